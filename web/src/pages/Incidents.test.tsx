// @vitest-environment jsdom
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router-dom';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { clearCache } from '../api/client';
import type { Incident } from '../api/types';
import { AssetIncidents, OpenIncidents } from '../components/Incidents';
import { ago, detail, HOUR, incident, incidentDetail, noHistory, serve, summary } from '../test-fixtures';
import { AssetPage } from './AssetPage';
import { DashboardPage } from './DashboardPage';
import { IncidentPage } from './IncidentPage';
import { Incidents } from './Incidents';

const ORDERS = 'warehouse:analytics.raw.orders';
const impacted = ['looker:shared.finance.revenue', 'warehouse:analytics.marts.daily_revenue', 'warehouse:analytics.staging.stg_orders', 'looker:shared.finance.weekly_orders'];
const orders = incident(ORDERS, { impacted: { count: 4, keys: impacted }, acknowledged_at: ago(HOUR) });
const events = incident('warehouse:analytics.raw.events', {
  root: { ...orders.root, key: 'warehouse:analytics.raw.events', name: 'events', status: 'warn', owner: null },
  snoozed_until: new Date(Date.now() + 3 * HOUR).toISOString(),
});
const resolved = incident('warehouse:analytics.raw.payments', {
  status: 'resolved',
  root: { ...orders.root, key: 'warehouse:analytics.raw.payments', name: 'payments', status: 'fresh' },
  resolved_at: ago(90 * HOUR),
  impacted: { count: 1, keys: ['warehouse:analytics.marts.daily_revenue'] },
});

function Where() {
  const l = useLocation();
  return <output data-testid="where">{l.pathname + l.search}</output>;
}

function at(path: string, element: React.ReactNode, route = path.split('?')[0]) {
  return render(
    <MemoryRouter initialEntries={[path]}>
      <Routes>
        <Route path={route} element={element} />
        <Route path="*" element={null} />
      </Routes>
      <Where />
    </MemoryRouter>,
  );
}

afterEach(() => {
  vi.unstubAllGlobals();
  clearCache();
});

describe('OpenIncidents (the top of the overview)', () => {
  it('shows each open incident with its root linked, status in words, kind, since when, impact and state', async () => {
    const calls = serve({ '/api/v1/incidents?state=open&limit=100': { items: [orders, events] } });
    await act(async () => {
      at('/', <OpenIncidents />);
    });
    expect(calls).toEqual(['/api/v1/incidents?state=open&limit=100']);
    expect(screen.getByRole('heading', { level: 2 }).textContent).toBe('2 open incidents');
    expect(screen.getByRole('link', { name: 'All incidents' }).getAttribute('href')).toBe('/incidents');
    const [first, second] = within(screen.getByRole('list', { name: 'Open incidents' })).getAllByRole('listitem');
    expect(within(first).getByRole('link', { name: 'orders' }).getAttribute('href')).toBe('/assets/warehouse%3Aanalytics.raw.orders');
    expect(first.querySelector('.badge')!.textContent).toBe('Stale');
    expect(first.textContent).toContain('late or stale data');
    expect(first.textContent).toContain('since 2 d ago');
    expect(first.textContent).toContain('4 impacted assets: finance.revenue, marts.daily_revenue, staging.stg_orders and 1 more');
    expect(within(first).getByRole('link', { name: 'marts.daily_revenue' }).getAttribute('href')).toBe('/assets/warehouse%3Aanalytics.marts.daily_revenue');
    expect(first.textContent).toContain('Acknowledged 1 h ago');
    expect(within(first).getByRole('link', { name: 'Incident details: orders' }).getAttribute('href')).toBe('/incidents/warehouse%3Aanalytics.raw.orders%401795000000000000');
    expect(second.querySelector('.badge')!.textContent).toBe('Late');
    expect(second.textContent).toContain('Snoozed until');
    expect(second.textContent).toContain('no impact downstream');
  });

  it('shows nothing when no incident is open, or when the server has no incidents yet', async () => {
    serve({ '/api/v1/incidents': { items: [] } });
    let view!: ReturnType<typeof render>;
    await act(async () => {
      view = at('/', <OpenIncidents />);
    });
    expect(view.container.querySelector('section')).toBeNull();
    view.unmount();
    clearCache();
    serve({});
    await act(async () => {
      view = at('/', <OpenIncidents />);
    });
    expect(view.container.querySelector('section, [role=alert]')).toBeNull();
  });

  it('puts the worst root first, the server order among equals', async () => {
    const late = (n: number) => incident(`wh:raw.late${n}`, { id: `late${n}`, root: { ...orders.root, key: `wh:raw.late${n}`, name: `late${n}`, status: 'warn' } });
    serve({ '/api/v1/incidents': { items: [late(1), late(2), orders, late(3)] } });
    await act(async () => {
      at('/', <OpenIncidents />);
    });
    const rows = within(screen.getByRole('list', { name: 'Open incidents' })).getAllByRole('listitem');
    expect(rows.map((r) => r.getAttribute('data-id'))).toEqual([orders.id, 'late1', 'late2', 'late3']);
  });

  it('lists the first five and links to the rest', async () => {
    const many: Incident[] = Array.from({ length: 7 }, (_, n) => incident(`wh:raw.t${n}`, { id: `wh:raw.t${n}@1` }));
    serve({ '/api/v1/incidents': { items: many } });
    await act(async () => {
      at('/', <OpenIncidents />);
    });
    expect(within(screen.getByRole('list', { name: 'Open incidents' })).getAllByRole('listitem')).toHaveLength(5);
    expect(screen.getByRole('link', { name: 'and 2 more open' }).getAttribute('href')).toBe('/incidents?state=open');
  });
});

describe('Incidents page', () => {
  it('lists open and recent incidents and filters by state through the URL', async () => {
    const calls = serve({
      '/api/v1/incidents?state=any&limit=100': { items: [orders, events, resolved] },
      '/api/v1/incidents?state=resolved&limit=100': { items: [resolved] },
      '/api/v1/incidents?state=open&limit=100': { items: [] },
    });
    await act(async () => {
      at('/incidents', <Incidents />);
    });
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Incidents');
    expect(screen.getByRole('link', { name: 'Open and recent' }).getAttribute('aria-current')).toBe('true');
    const rows = within(screen.getByRole('list', { name: 'Incidents' })).getAllByRole('listitem');
    expect(rows.map((r) => r.getAttribute('data-status'))).toEqual(['open', 'open', 'resolved']);
    expect(rows[2].textContent).toContain('Resolved');
    expect(rows[2].textContent).toContain('resolved 3 d ago');
    expect(screen.getByText('3 incidents')).toBeTruthy();

    await act(async () => {
      fireEvent.click(screen.getByRole('link', { name: 'Resolved' }));
    });
    expect(screen.getByTestId('where').textContent).toBe('/incidents?state=resolved');
    expect(calls[calls.length - 1]).toBe('/api/v1/incidents?state=resolved&limit=100');
    expect(within(screen.getByRole('list', { name: 'Incidents' })).getAllByRole('listitem')).toHaveLength(1);

    await act(async () => {
      fireEvent.click(screen.getByRole('link', { name: 'Open' }));
    });
    expect(screen.getByText('No incidents')).toBeTruthy();
    expect(screen.getByText('Nothing is late or stale at its source right now.')).toBeTruthy();
  });
});

describe('Incident page', () => {
  const id = `${ORDERS}@1795000000000000`;
  const path = `/api/v1/incidents/${id}`;
  const open = incident(ORDERS, { impacted: { count: 4, keys: impacted } });
  const full = () =>
    incidentDetail(open, {
      timeline: [
        { sequence: 1, type: 'incident.opened', at: ago(56 * HOUR), status: 'warn', impacted_count: 3 },
        { sequence: 2, type: 'incident.updated', at: ago(32 * HOUR), status: 'error', impacted_count: 4 },
      ],
      deliveries: [
        { delivery_id: 'd1', channel: 'data-team', attempt: 1, at: ago(56 * HOUR), outcome: 'delivered', http_status: 200, error: null, next_attempt_at: null },
        { delivery_id: 'd2', channel: 'hooks', attempt: 1, at: ago(56 * HOUR), outcome: 'failed', http_status: 503, error: 'HTTP 503 Service Unavailable', next_attempt_at: ago(55 * HOUR) },
        { delivery_id: 'd3', channel: 'oncall', attempt: 1, at: ago(HOUR), outcome: 'pending', http_status: null, error: null, next_attempt_at: new Date(Date.now() + 60e3).toISOString() },
      ],
    });

  it('shows the root, the impacted assets, the timeline and every delivery', async () => {
    serve({ [path]: full() });
    await act(async () => {
      at(`/incidents/${encodeURIComponent(id)}`, <IncidentPage />, '/incidents/:id');
    });
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('orders');
    expect(within(screen.getByRole('region', { name: 'Root' })).getByRole('link', { name: 'orders' }).getAttribute('href')).toBe('/assets/warehouse%3Aanalytics.raw.orders');
    expect(screen.getByText('last change 3 d 8 h ago; stale after 48 h')).toBeTruthy();
    const impact = within(screen.getByRole('list', { name: 'Impacted assets' })).getAllByRole('link');
    expect(impact.map((l) => l.getAttribute('href'))).toEqual(impacted.map((k) => `/assets/${encodeURIComponent(k)}`));
    const timeline = within(screen.getByRole('list', { name: 'Timeline' })).getAllByRole('listitem');
    expect(timeline.map((e) => [e.querySelector('strong')!.textContent, e.querySelector('.badge')!.textContent])).toEqual([
      ['Opened', 'Late'],
      ['Updated', 'Stale'],
    ]);
    expect(timeline[1].textContent).toContain('4 impacted assets');
    const rows = within(screen.getByRole('table')).getAllByRole('row').slice(1);
    expect(rows.map((r) => [...r.children].map((c) => c.getAttribute('data-label') === 'At' ? 'at' : c.textContent))).toEqual([
      ['data-team', '1', 'at', 'Delivered', '200', '—'],
      ['hooks', '1', 'at', 'Failed', '503', 'HTTP 503 Service Unavailable'],
      ['oncall', '1', 'at', 'Pending · next in 1 min', '—', '—'],
    ]);
  });

  it('acknowledges and snoozes with a POST each, then shows the incident as it now is', async () => {
    let now = full();
    const calls = serve({
      [path]: () => now,
      [`${path}/acknowledge`]: ({ method }: { method: string }) => {
        expect(method).toBe('POST');
        now = { ...now, acknowledged_at: ago(0) };
        return now;
      },
      [`${path}/snooze`]: ({ body }: { body: unknown }) => {
        now = { ...now, snoozed_until: (body as { until: string }).until };
        return now;
      },
    });
    await act(async () => {
      at(`/incidents/${encodeURIComponent(id)}`, <IncidentPage />, '/incidents/:id');
    });
    const actions = screen.getByRole('group', { name: 'Incident actions' });
    await act(async () => {
      fireEvent.click(within(actions).getByRole('button', { name: 'Acknowledge' }));
    });
    expect(calls).toContain(`POST /api/v1/incidents/${encodeURIComponent(id)}/acknowledge`);
    expect(calls.filter((c) => c === `/api/v1/incidents/${encodeURIComponent(id)}`)).toHaveLength(2);
    expect(document.querySelector('.chip-ack')!.textContent).toBe('Acknowledged just now');
    expect(screen.getByText('Acknowledged.')).toBeTruthy();
    expect((within(actions).getByRole('button', { name: 'Acknowledged' }) as HTMLButtonElement).disabled).toBe(true);

    const before = Date.now();
    await act(async () => {
      fireEvent.click(within(actions).getByRole('button', { name: 'Snooze 4 h' }));
    });
    expect(calls).toContain(`POST /api/v1/incidents/${encodeURIComponent(id)}/snooze`);
    const until = Date.parse(now.snoozed_until!);
    expect(until - before).toBeGreaterThan(4 * HOUR - 5e3);
    expect(until - before).toBeLessThan(4 * HOUR + 5e3);
    expect(now.snoozed_until).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(document.querySelector('.incident-flags')!.textContent).toContain('Snoozed until');
    expect(within(actions).getByRole('button', { name: 'Snooze until tomorrow 09:00' })).toBeTruthy();
  });

  it('says why an action failed', async () => {
    serve({ [path]: full(), [`${path}/acknowledge`]: undefined });
    await act(async () => {
      at(`/incidents/${encodeURIComponent(id)}`, <IncidentPage />, '/incidents/:id');
    });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Acknowledge' }));
    });
    expect(screen.getByRole('alert').textContent).toContain('Could not change the incident');
  });

  it('offers no actions on a resolved incident, and says when an incident is unknown', async () => {
    serve({ [path]: incidentDetail({ ...open, status: 'resolved', resolved_at: ago(HOUR) }) });
    await act(async () => {
      at(`/incidents/${encodeURIComponent(id)}`, <IncidentPage />, '/incidents/:id');
    });
    expect(screen.queryByRole('button', { name: 'Acknowledge' })).toBeNull();
    expect(screen.getByText('No deliveries')).toBeTruthy();
    clearCache();
    serve({});
    await act(async () => {
      at(`/incidents/nothing`, <IncidentPage />, '/incidents/:id');
    });
    expect(screen.getByRole('alert').textContent).toContain('Could not load this incident');
  });
});

describe('An asset and its incidents', () => {
  it('lists the incidents caused by the asset and those it is impacted by, from one request', async () => {
    const calls = serve({ '/api/v1/incidents?limit=100': { items: [orders, events, resolved] } });
    await act(async () => {
      at('/', <AssetIncidents assetKey="warehouse:analytics.marts.daily_revenue" />);
    });
    expect(calls).toEqual(['/api/v1/incidents?limit=100']);
    expect(screen.queryByRole('list', { name: 'Incidents caused here' })).toBeNull();
    const by = within(screen.getByRole('list', { name: 'Incidents this asset is impacted by' })).getAllByRole('listitem');
    expect(by.map((r) => r.getAttribute('data-id'))).toEqual([orders.id, resolved.id]);
  });

  it('shows them on the asset page of the root', async () => {
    const a = summary(ORDERS, { status: 'error' });
    serve({
      [`/api/v1/assets/${ORDERS}`]: detail(a),
      [`/api/v1/assets/${ORDERS}/history`]: noHistory(ORDERS),
      '/api/v1/incidents?limit=100': { items: [orders, events] },
    });
    await act(async () => {
      at(`/assets/${encodeURIComponent(ORDERS)}`, <AssetPage />, '/assets/:key');
    });
    const own = within(screen.getByRole('list', { name: 'Incidents caused here' })).getAllByRole('listitem');
    expect(own).toHaveLength(1);
    expect(own[0].textContent).toContain('4 impacted assets');
    expect(screen.queryByRole('list', { name: 'Incidents this asset is impacted by' })).toBeNull();
  });

  it('shows on a dashboard the incidents of each root behind it', async () => {
    const dash = summary('looker:shared.finance.revenue', { kind: 'dashboard', status: 'error' });
    serve({ '/api/v1/incidents?limit=100': { items: [orders, events, resolved] } });
    await act(async () => {
      at('/', <DashboardPage detail={detail(dash)} />);
    });
    const by = within(screen.getByRole('list', { name: 'Incidents this asset is impacted by' })).getAllByRole('listitem');
    expect(by.map((r) => r.getAttribute('data-id'))).toEqual([orders.id]);
  });

  it('says when no recent incident involves the asset', async () => {
    serve({ '/api/v1/incidents': { items: [events] } });
    await act(async () => {
      at('/', <AssetIncidents assetKey="wh:raw.quiet" />);
    });
    expect(screen.getByText('No recent incidents involve this asset.')).toBeTruthy();
  });
});
