// @vitest-environment jsdom
import { act, render, screen, within } from '@testing-library/react';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { clearCache } from '../api/client';
import type { AssetDetail, AssetSummary, Lineage } from '../api/types';
import { AssetPage } from './AssetPage';

const HOUR = 3600e3;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const summary = (key: string, over: Partial<AssetSummary> = {}): AssetSummary => ({
  key,
  name: key.split('.').pop()!,
  kind: 'table',
  parent: null,
  connection: key.split(':')[0],
  owner: null,
  tags: [],
  status: 'fresh',
  changed_at: ago(HOUR),
  age_seconds: 3600,
  signal: null,
  policy: null,
  reason: null,
  error: null,
  impacted: false,
  data_time: ago(HOUR),
  data_time_from: key,
  usage: null,
  counts: { fresh: 1, warn: 0, error: 0, unknown: 0, total: 1 },
  history: [],
  ...over,
});
const detail = (asset: AssetSummary, over: Partial<AssetDetail> = {}): AssetDetail => ({
  asset: { ...asset, description: null, url: null },
  policy: { name: null, origin: null, rule: { type: 'threshold', warn_after_seconds: 86400, error_after_seconds: 172800 } },
  observations: [],
  intervals: [],
  ancestors: [],
  children: [],
  root_causes: [],
  root_paths: [],
  upstream: [],
  downstream: [],
  ...over,
} as AssetDetail);

function serve(routes: Record<string, unknown>) {
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string) => {
      const path = decodeURIComponent(url.split('?')[0]);
      const body = routes[path];
      if (body === undefined) return new Response(JSON.stringify({ title: 'Not Found', status: 404 }), { status: 404 });
      return new Response(JSON.stringify(body), { status: 200 });
    }),
  );
}
const noHistory = (key: string) => ({ key, timezone: 'UTC', days: [] });

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

const orders = summary('wh:analytics.raw.orders', { status: 'error', changed_at: ago(96 * HOUR), age_seconds: 96 * 3600, data_time: ago(96 * HOUR) });
const revenueTable = summary('wh:analytics.marts.daily_revenue', { impacted: true, data_time: orders.changed_at, data_time_from: orders.key });
const tile = summary('bi:finance.revenue.by_day', {
  kind: 'tile',
  status: 'error',
  impacted: true,
  data_time: orders.changed_at,
  data_time_from: orders.key,
});

describe('AssetPage', () => {
  it('shows the data time beside the change time and the path to the root', async () => {
    const t = 'bi:finance.revenue.by_day';
    serve({
      [`/api/v1/assets/${t}`]: detail(tile, {
        root_causes: [orders],
        root_paths: [
          {
            root: orders.key,
            hops: [
              { key: t, name: 'by_day', kind: 'tile', status: 'error', via: 'view daily_revenue' },
              { key: revenueTable.key, name: 'daily_revenue', kind: 'model', status: 'fresh', via: 'dbt ref' },
              { key: orders.key, name: 'orders', kind: 'source', status: 'error', via: null },
            ],
          },
        ],
        upstream: [revenueTable],
      }),
      [`/api/v1/assets/${t}/history`]: noHistory(t),
    });
    await open(t);
    const changed = screen.getByRole('region', { name: 'Data last changed' });
    expect(changed.textContent).toContain('It shows data from 4 d ago, from raw.orders');
    expect(within(changed).getByRole('link', { name: 'raw.orders' }).getAttribute('href')).toBe('/assets/wh%3Aanalytics.raw.orders');

    const chain = screen.getByRole('list', { name: 'Path from this asset to orders' });
    expect(within(chain).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'by_day tile Stale',
      '→ view daily_revenuereads from (view daily_revenue) daily_revenue model Fresh',
      '→ dbt refreads from (dbt ref) orders source Stale',
    ]);
    expect(screen.getByRole('link', { name: 'Go to the root: orders' }).getAttribute('href')).toBe('/assets/wh%3Aanalytics.raw.orders');

    const up = screen.getByRole('region', { name: 'Upstream' });
    expect(up.textContent).toMatch(/changed 1 h ago · data from 4 d ago \(raw\.orders\)/);
  });

  it('says nothing of a data time that is its own', async () => {
    serve({ [`/api/v1/assets/${orders.key}`]: detail(orders), [`/api/v1/assets/${orders.key}/history`]: noHistory(orders.key) });
    await open(orders.key);
    expect(screen.queryByText(/shows data from/)).toBeNull();
    expect(screen.getByText('The data is 4 d old.')).toBeTruthy();
  });

  it('shows a dashboard with its usage and each tile with status, data time and sources', async () => {
    const dash = summary('bi:finance.revenue', {
      kind: 'dashboard',
      status: 'error',
      usage: { last_accessed_at: ago(2 * HOUR), last_viewed_at: ago(5 * HOUR), view_count: 1284 },
    });
    const other = summary('bi:finance.revenue.top', { kind: 'tile' });
    const lineage: Lineage = {
      nodes: [tile, revenueTable],
      edges: [{ from: revenueTable.key, to: tile.key, via: 'view daily_revenue' }],
      root_causes: [],
    };
    serve({
      [`/api/v1/assets/${dash.key}`]: detail(dash, { children: [tile, other] }),
      [`/api/v1/assets/${dash.key}/history`]: noHistory(dash.key),
      [`/api/v1/assets/${tile.key}/lineage`]: lineage,
      [`/api/v1/assets/${other.key}/lineage`]: { nodes: [other], edges: [], root_causes: [] },
    });
    await open(dash.key);
    const usage = screen.getByRole('region', { name: 'Usage' });
    expect(usage.textContent).toBe('UsageLast accessed2 h agoLast viewed5 h agoViews1,284');
    const tiles = screen.getByRole('region', { name: 'Tiles' });
    const first = within(tiles).getByRole('listitem', { name: 'by_day' });
    expect(within(first).getByText('Stale')).toBeTruthy();
    expect(first.textContent).toContain('data from 4 d ago (raw.orders)');
    const sources = within(first).getByRole('list', { name: 'Sources of by_day' });
    expect(sources.textContent).toBe('Fresh daily_revenue table · changed 1 h ago · via view daily_revenue');
    const second = within(tiles).getByRole('listitem', { name: 'top' });
    expect(second.textContent).toContain('No source tables known.');
    expect(screen.queryByRole('region', { name: 'Contains' })).toBeNull();
  });
});
