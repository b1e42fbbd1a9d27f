// @vitest-environment jsdom
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AssetSummary, HistoryDay, Lineage, Summary } from '../api/types';
import { clearCache } from '../api/client';
import { Banner } from './Banner';
import { ConnectionWarnings } from './ConnectionWarnings';
import { HistoryBar } from './HistoryBar';
import { LineageGraph } from './LineageGraph';
import { ChangedAndDataTime } from './Provenance';
import { StatusBadge } from './StatusIcon';
import { ErrorState } from './States';
import { ApiError } from '../api/client';

const day = (date: string, status: HistoryDay['status'], minutes: Partial<HistoryDay['minutes']> = {}): HistoryDay => ({
  date,
  has_data: status !== null,
  status,
  minutes: { fresh: 0, warn: 0, error: 0, unknown: 0, ...minutes },
  age_seconds: status ? 3600 : null,
});

describe('StatusBadge', () => {
  it('always writes the status in words next to the icon', () => {
    render(<StatusBadge status="error" />);
    expect(screen.getByText('Stale')).toBeTruthy();
    expect(document.querySelector('svg.icon-error')).toBeTruthy();
  });
});

describe('ChangedAndDataTime', () => {
  const now = Date.now();
  const ago = (hours: number) => new Date(now - hours * 3600_000).toISOString();
  const line = (asset: Parameters<typeof ChangedAndDataTime>[0]['asset']) => {
    render(
      <MemoryRouter>
        <ChangedAndDataTime asset={asset} />
      </MemoryRouter>,
    );
    return document.querySelector('.changed-data')!.textContent;
  };
  afterEach(() => document.body.replaceChildren());

  it('names where a tile judged on its inputs gets its data, without repeating the time', () => {
    const t = ago(96);
    expect(line({ key: 'lk:t', kind: 'tile', changed_at: t, data_time: t, data_time_from: 'wh:raw.orders' })).toBe('data from 4 d ago (raw.orders)');
  });
  it('shows both when a table holds data older than its own change', () => {
    expect(line({ key: 'wh:fct', kind: 'table', changed_at: ago(1), data_time: ago(96), data_time_from: 'wh:raw.orders' })).toBe(
      'changed 1 h ago · data from 4 d ago (raw.orders)',
    );
  });
  it('shows only the change time when the data is its own', () => {
    const t = ago(1);
    expect(line({ key: 'wh:raw', kind: 'table', changed_at: t, data_time: t, data_time_from: 'wh:raw' })).toBe('changed 1 h ago');
  });
});

describe('Banner', () => {
  it('shows the overall message with its status', () => {
    const s: Summary = {
      generated_at: '2026-11-26T10:00:00Z',
      version: 1,
      timezone: 'UTC',
      overall: 'warn',
      message: '3 assets need attention: 1 stale, 2 late',
      counts: { fresh: 7, warn: 3, error: 0, unknown: 0, total: 10 },
      impacted: 0,
      connections: [],
    };
    render(<Banner summary={s} />);
    const h = screen.getByRole('heading', { level: 1 });
    expect(h.textContent).toBe('3 assets need attention: 1 stale, 2 late');
    expect(h.closest('section')!.getAttribute('data-status')).toBe('warn');
  });
});

describe('ConnectionWarnings', () => {
  const stale = 'stale artifacts: manifest.json is not valid JSON; serving the state read at 2026-11-26T09:00:00Z';
  it('shows each warning in words with the warning icon, not colour alone', () => {
    render(<ConnectionWarnings connection={{ name: 'dbt', warnings: [stale, 'run_results.json: unknown version'] }} showName />);
    const notice = screen.getByRole('status', { name: 'Warnings for dbt' });
    expect(notice.textContent).toContain('dbt: Warnings');
    expect(within(notice).getByText(stale)).toBeTruthy();
    expect(within(notice).getByText('run_results.json: unknown version')).toBeTruthy();
    expect(notice.querySelector('svg.icon-warn')).toBeTruthy();
    expect(notice.className).toContain('notice-warn');
  });
  it('renders nothing without warnings (or from an older server without the field)', () => {
    const { container } = render(<ConnectionWarnings connection={{ name: 'wh', warnings: [] }} />);
    expect(container.innerHTML).toBe('');
    const old = render(<ConnectionWarnings connection={{ name: 'wh' } as { name: string; warnings: string[] }} />);
    expect(old.container.innerHTML).toBe('');
  });
});

describe('ErrorState', () => {
  it("shows the problem document's title and detail", () => {
    render(<ErrorState error={new ApiError(404, { title: 'Not Found', status: 404, detail: "no asset 'x'" })} what="this asset" />);
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('Could not load this asset');
    expect(alert.textContent).toContain('404 Not Found');
    expect(alert.textContent).toContain("no asset 'x'");
  });
});

describe('HistoryBar', () => {
  const days = [day('2026-11-24', 'fresh', { fresh: 1440 }), day('2026-11-25', null), day('2026-11-26', 'warn', { fresh: 400, warn: 200 })];

  it('draws one cell per day, grey for days without data', () => {
    render(<HistoryBar assetKey="w:a.b" name="orders" days={days} />);
    expect(screen.getByRole('group').getAttribute('data-cells')).toBe('f-w');
    expect([...document.querySelectorAll('.history-cells path')].map((p) => p.getAttribute('class'))).toEqual(['fill-fresh', 'fill-none', 'fill-warn']);
  });

  it('shows the last day on focus and moves with the arrow keys', () => {
    render(<HistoryBar assetKey="w:a.b" name="orders" days={days} />);
    const bar = screen.getByRole('group');
    expect(bar.getAttribute('aria-label')).toContain('1 fresh, 1 late');
    act(() => bar.focus());
    expect(screen.getByRole('tooltip').textContent).toBe('Thu, 26 Nov 2026Fresh: 6 h 40 minLate: 3 h 20 min');
    fireEvent.keyDown(bar, { key: 'ArrowLeft' });
    expect(screen.getByRole('tooltip').textContent).toBe('Wed, 25 Nov 2026No data');
    fireEvent.keyDown(bar, { key: 'Home' });
    expect(screen.getByRole('tooltip').textContent).toBe('Tue, 24 Nov 2026Fresh: 24 h');
    fireEvent.keyDown(bar, { key: 'Escape' });
    expect(screen.queryByRole('tooltip')).toBeNull();
  });

  describe('without detail', () => {
    beforeEach(() => clearCache());
    afterEach(() => vi.unstubAllGlobals());

    it('fetches the minutes once, on first hover', async () => {
      const fetchMock = vi.fn(async () =>
        new Response(JSON.stringify({ key: 'w:a.b', timezone: 'UTC', days: [day(new Date().toISOString().slice(0, 10), 'error', { error: 300 })] }), {
          status: 200,
          headers: { 'Content-Type': 'application/json' },
        }),
      );
      vi.stubGlobal('fetch', fetchMock);
      const history = Array(90).fill('fresh');
      history[89] = 'error';
      render(<HistoryBar assetKey="w:a.b" name="orders" history={history} />);
      expect(screen.getByRole('group').getAttribute('data-cells')).toBe('f'.repeat(89) + 'e');
      const strip = document.querySelector('.history-cells') as HTMLElement;
      strip.getBoundingClientRect = () => ({ left: 0, top: 0, right: 900, bottom: 26, width: 900, height: 26, x: 0, y: 0, toJSON: () => ({}) });
      expect(fetchMock).not.toHaveBeenCalled();
      await act(async () => {
        fireEvent.mouseMove(strip, { clientX: 895 });
      });
      expect(fetchMock).toHaveBeenCalledTimes(1);
      expect((fetchMock.mock.calls[0] as unknown[])[0]).toBe('/api/v1/assets/w%3Aa.b/history?days=90');
      expect(screen.getByRole('tooltip').textContent).toContain('Stale: 5 h');
      await act(async () => {
        fireEvent.mouseMove(strip, { clientX: 885 });
      });
      expect(screen.getByRole('group').getAttribute('data-active')).toBe('88');
      expect(fetchMock).toHaveBeenCalledTimes(1);
    });
  });
});

describe('LineageGraph', () => {
  const a = (key: string, status: AssetSummary['status'], impacted = false): AssetSummary => ({
    key,
    name: key.split('.').pop()!,
    kind: 'table',
    parent: null,
    connection: 'w',
    owner: null,
    tags: [],
    status,
    changed_at: null,
    age_seconds: null,
    signal: null,
    policy: null,
    reason: null,
    error: null,
    impacted,
    data_time: null,
    data_time_from: null,
    usage: null,
    counts: { fresh: status === 'fresh' ? 1 : 0, warn: status === 'warn' ? 1 : 0, error: status === 'error' ? 1 : 0, unknown: status === 'unknown' ? 1 : 0, total: 1 },
    history: [],
  });

  it('links every node, marks root causes and says the status in words', () => {
    const lineage: Lineage = {
      nodes: [a('w:raw.orders', 'error'), a('w:stg.orders', 'fresh', true), a('w:mart.revenue', 'fresh', true)],
      edges: [
        { from: 'w:raw.orders', to: 'w:stg.orders', via: null },
        { from: 'w:stg.orders', to: 'w:mart.revenue', via: 'view revenue' },
      ],
      root_causes: ['w:raw.orders'],
    };
    render(
      <MemoryRouter>
        <LineageGraph lineage={lineage} focus="w:stg.orders" />
      </MemoryRouter>,
    );
    const graph = screen.getByRole('group', { name: /1 upstream, 1 downstream/ });
    const links = within(graph).getAllByRole('link');
    expect(links.map((l) => l.getAttribute('href'))).toEqual(['/assets/w%3Araw.orders', '/assets/w%3Astg.orders', '/assets/w%3Amart.revenue']);
    expect(links[0].getAttribute('aria-label')).toBe('orders, Stale, root cause, upstream');
    expect(links[1].getAttribute('aria-label')).toContain('(this asset)');
    expect(graph.querySelectorAll('.lineage-root')).toHaveLength(1);
    expect(graph.querySelectorAll('.lineage-edge')).toHaveLength(2);
    expect([...graph.querySelectorAll('.lineage-edge title')].map((t) => t.textContent)).toEqual(['orders → orders', 'orders → revenue (via view revenue)']);
    expect(graph.querySelectorAll('.lineage-edge-loose')).toHaveLength(0);
  });

  it('draws a link known only at explore level dashed, and says what dashed means', () => {
    const lineage: Lineage = {
      nodes: [a('w:mart.ltv', 'fresh'), a('lk:dash.top', 'fresh')],
      edges: [{ from: 'w:mart.ltv', to: 'lk:dash.top', via: 'explore-level' }],
      root_causes: [],
    };
    render(
      <MemoryRouter>
        <LineageGraph lineage={lineage} focus="lk:dash.top" />
      </MemoryRouter>,
    );
    expect(document.querySelectorAll('.lineage-edge-loose')).toHaveLength(1);
    expect(screen.getByText(/Dashed: linked only at explore level/)).toBeTruthy();
  });

  it('says so when no lineage is known', () => {
    render(
      <MemoryRouter>
        <LineageGraph lineage={{ nodes: [], edges: [], root_causes: [] }} focus="x" />
      </MemoryRouter>,
    );
    expect(screen.getByText(/No lineage is known/)).toBeTruthy();
  });
});
