// @vitest-environment jsdom
import { act, render, screen, within } from '@testing-library/react';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { clearCache } from '../api/client';
import type { Lineage } from '../api/types';
import { ago, detail, HOUR, noHistory, serve, summary } from '../test-fixtures';
import { AssetPage } from './AssetPage';
import { MAX_TILE_SOURCES, tilesInOrder } from './DashboardPage';

async function open(key: string) {
  await act(async () => {
    render(
      <MemoryRouter initialEntries={[`/assets/${encodeURIComponent(key)}`]}>
        <Routes>
          <Route path="/assets/:key" element={<AssetPage />} />
        </Routes>
      </MemoryRouter>,
    );
  });
}

afterEach(() => {
  vi.unstubAllGlobals();
  clearCache();
});

const orders = summary('wh:analytics.raw.orders', { status: 'error', changed_at: ago(96 * HOUR), data_time: ago(96 * HOUR) });
const events = summary('wh:analytics.raw.events', { status: 'warn', changed_at: ago(30 * HOUR), data_time: ago(30 * HOUR) });
const revenueTable = summary('wh:analytics.marts.daily_revenue', { impacted: true, data_time: orders.changed_at, data_time_from: orders.key });
const customers = summary('wh:analytics.staging.customers');
const tile = (id: string, over: Parameters<typeof summary>[1]) => summary(`lk:shared.finance.revenue.${id}`, { kind: 'tile', changed_at: null, ...over });
const byDay = tile('by_day', { status: 'error', impacted: true, data_time: orders.changed_at, data_time_from: orders.key });
const funnel = tile('funnel', { status: 'warn', impacted: true, data_time: events.changed_at, data_time_from: events.key });
const top = tile('top', { status: 'fresh', data_time: customers.changed_at, data_time_from: customers.key });
const dash = summary('lk:shared.finance.revenue', {
  name: 'Revenue',
  kind: 'dashboard',
  status: 'error',
  changed_at: null,
  data_time: orders.changed_at,
  data_time_from: orders.key,
  owner: 'ana',
  counts: { fresh: 1, warn: 1, error: 1, unknown: 0, total: 3 },
  usage: { last_accessed_at: ago(2 * HOUR), last_viewed_at: ago(5 * HOUR), view_count: 1284 },
});
const lineageOf = (t: typeof byDay, sources: [typeof orders, string | null][], roots: string[]): Lineage => ({
  nodes: [t, ...sources.map(([s]) => s)],
  edges: sources.map(([s, via]) => ({ from: s.key, to: t.key, via })),
  root_causes: roots,
});

describe('DashboardPage', () => {
  it('lists tiles worst first with data time, sources with how they are read, and one link to the table to blame', async () => {
    const calls = serve({
      [`/api/v1/assets/${dash.key}`]: detail(dash, { children: [top, byDay, funnel], ancestors: [{ key: 'lk', name: 'lk', kind: 'connection' }] }),
      [`/api/v1/assets/${dash.key}/history`]: noHistory(dash.key),
      [`/api/v1/assets/${byDay.key}/lineage`]: lineageOf(byDay, [[revenueTable, 'view daily_revenue']], [orders.key]),
      [`/api/v1/assets/${funnel.key}/lineage`]: lineageOf(funnel, [[events, 'explore-level']], [events.key]),
      [`/api/v1/assets/${top.key}/lineage`]: lineageOf(top, [[customers, 'view customers']], []),
    });
    await open(dash.key);
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Revenue');
    expect(document.querySelector('.head-status')!.textContent).toBe('Stale: 1 stale, 1 late of 3 tiles');
    expect(screen.getByRole('region', { name: 'Freshness' }).textContent).toContain('2 of 3 tiles need attention');
    expect(screen.getByRole('region', { name: 'Freshness' }).textContent).toContain('Oldest data on it: data from 4 d ago (raw.orders)');
    // Usage stands in a card of its own, never in the freshness words.
    expect(screen.getByRole('region', { name: 'Usage' }).textContent).toBe('UsageLast accessed2 h agoLast viewed5 h agoViews1,284');

    const tiles = within(screen.getByRole('region', { name: 'Tiles' })).getAllByRole('listitem', { name: /./ }).filter((li) => li.classList.contains('tile'));
    expect(tiles.map((t) => t.getAttribute('aria-labelledby'))).toEqual([`tile-${byDay.key}`, `tile-${funnel.key}`, `tile-${top.key}`]);
    const [first, second, third] = tiles;
    expect(within(first).getByText('Stale')).toBeTruthy();
    expect(first.querySelector('.tile-time')!.textContent).toBe('data from 4 d ago (raw.orders)');
    expect(within(first).getByRole('list', { name: 'Sources of by_day' }).textContent).toBe('Fresh daily_revenue table · changed 1 h ago via view daily_revenue');
    // The root cause is further up than the tile's own source: named from its key, one click away.
    const blame = within(first).getByRole('link', { name: 'To blame: raw.orders' });
    expect(blame.getAttribute('href')).toBe('/assets/wh%3Aanalytics.raw.orders');
    // A source that is itself the root cause says so; an explore-level link looks less certain.
    expect(within(second).getByRole('link', { name: 'To blame: raw.events' }).getAttribute('href')).toBe('/assets/wh%3Aanalytics.raw.events');
    expect(within(second).getByText('root cause')).toBeTruthy();
    expect(within(second).getByRole('link', { name: 'To blame: raw.events' }).className).toContain('blame-warn');
    expect(within(second).getByText('via explore-level').className).toContain('chip-explore');
    expect(within(third).queryByRole('link', { name: /To blame/ })).toBeNull();

    // The detail, its history, and one lineage of depth 1 per tile.
    const lineages = calls.filter((c) => c.includes('/lineage'));
    expect(lineages.filter((c) => c.endsWith('/lineage?depth=1')).sort()).toEqual(
      [byDay, funnel, top].map((t) => `/api/v1/assets/${encodeURIComponent(t.key)}/lineage?depth=1`).sort(),
    );
    expect(screen.queryByRole('region', { name: 'Contains' })).toBeNull();
    expect(screen.queryByRole('heading', { name: 'Signals' })).toBeNull();
  });

  it(`asks for the sources of the first ${MAX_TILE_SOURCES} tiles only`, async () => {
    const many = Array.from({ length: MAX_TILE_SOURCES + 2 }, (_, i) => tile(`t${String(i).padStart(2, '0')}`, { status: 'fresh' }));
    const calls = serve({
      [`/api/v1/assets/${dash.key}`]: detail({ ...dash, usage: null }, { children: many }),
      [`/api/v1/assets/${dash.key}/history`]: noHistory(dash.key),
    });
    await open(dash.key);
    expect(calls.filter((c) => c.endsWith('/lineage?depth=1'))).toHaveLength(MAX_TILE_SOURCES);
    expect(screen.getAllByText(/are on its own page/)).toHaveLength(2);
    expect(screen.getByRole('region', { name: 'Usage' }).textContent).toContain('reports no usage');
  });

  it('asks for every tile when the detail embeds only the first page of them', async () => {
    const all = `/api/v1/assets?parent=${encodeURIComponent(dash.key)}`;
    serve({
      [`/api/v1/assets/${dash.key}`]: detail(dash, { children: [byDay, top], children_total: 3, children_next_cursor: 'c2', children_all: all }),
      [`/api/v1/assets/${dash.key}/history`]: noHistory(dash.key),
      [`${decodeURIComponent(all)}&limit=1000`]: { items: [byDay, funnel, top], next_cursor: null, total: 3 },
    });
    await open(dash.key);
    const tiles = screen.getByRole('region', { name: 'Tiles' });
    expect(within(tiles).getAllByRole('listitem').filter((li) => li.parentElement?.classList.contains('tiles'))).toHaveLength(3);
    expect(within(tiles).getByText('funnel')).toBeTruthy();
  });

  it('orders tiles worst first, then by name', () => {
    const t = (name: string, status: typeof byDay.status) => summary(`x:${name}`, { name, status });
    expect(tilesInOrder([t('b', 'fresh'), t('a', 'fresh'), t('c', 'unknown'), t('d', 'error'), t('e', 'warn')]).map((x) => x.name)).toEqual(['d', 'e', 'c', 'a', 'b']);
  });
});
