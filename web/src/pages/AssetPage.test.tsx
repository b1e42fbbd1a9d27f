// @vitest-environment jsdom
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { clearCache } from '../api/client';
import { ago, detail, HOUR, noHistory, serve, summary } from '../test-fixtures';
import { AssetPage } from './AssetPage';

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
    // A tile is judged on the data it shows: that is the headline, its own change comes after.
    expect(document.querySelector('.changed-line')!.textContent).toBe('changed 1 h ago · data from 4 d ago (raw.orders)');
    const changed = screen.getByRole('region', { name: 'Data last changed' });
    expect(changed.querySelector('.big')!.textContent).toBe('4 d ago');
    expect(changed.textContent).toContain('It shows data from raw.orders, its oldest input; the tile itself changed 1 h ago.');
    expect(within(changed).getByRole('link', { name: 'raw.orders' }).getAttribute('href')).toBe('/assets/wh%3Aanalytics.raw.orders');

    const chain = screen.getByRole('list', { name: 'Path from this asset to orders' });
    expect(within(chain).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'by_day tile Stale',
      'view daily_revenuereads from (view daily_revenue) daily_revenue model Fresh',
      'dbt refreads from (dbt ref) orders source Stale',
    ]);
    expect(screen.getByRole('link', { name: 'To blame: raw.orders' }).getAttribute('href')).toBe('/assets/wh%3Aanalytics.raw.orders');

    const up = screen.getByRole('region', { name: 'Upstream' });
    expect(up.textContent).toMatch(/changed 1 h ago · data from 4 d ago \(raw\.orders\)/);
  });

  it('gives a table its own change time first and the older data it holds beside it', async () => {
    serve({ [`/api/v1/assets/${revenueTable.key}`]: detail(revenueTable), [`/api/v1/assets/${revenueTable.key}/history`]: noHistory(revenueTable.key) });
    await open(revenueTable.key);
    expect(document.querySelector('.changed-line')!.textContent).toBe('changed 1 h ago · data from 4 d ago (raw.orders)');
    const changed = screen.getByRole('region', { name: 'Data last changed' });
    expect(changed.querySelector('.big')!.textContent).toBe('1 h ago');
    expect(changed.textContent).toMatch(/It holds data from 4 d ago, from raw\.orders \(.+\)\./);
  });

  it('lists the root causes when a server sends no root paths', async () => {
    const old = detail(tile, { root_causes: [orders] }) as Partial<ReturnType<typeof detail>>;
    delete old.root_paths;
    serve({ [`/api/v1/assets/${tile.key}`]: old, [`/api/v1/assets/${tile.key}/history`]: noHistory(tile.key) });
    await open(tile.key);
    const roots = screen.getByRole('region', { name: 'Root cause upstream' });
    expect(within(roots).getByRole('link', { name: 'orders' }).getAttribute('href')).toBe('/assets/wh%3Aanalytics.raw.orders');
  });

  it('says nothing of a data time that is its own', async () => {
    serve({ [`/api/v1/assets/${orders.key}`]: detail(orders), [`/api/v1/assets/${orders.key}/history`]: noHistory(orders.key) });
    await open(orders.key);
    expect(screen.queryByText(/(shows|holds) data from/)).toBeNull();
    expect(document.querySelector('.changed-line')).toBeNull();
    expect(screen.getByText('The data is 4 d old.')).toBeTruthy();
  });
  it('shows the children its detail embeds and pages through the rest', async () => {
    const look = summary('bi:finance.look', { kind: 'look' });
    const kid = (i: number) => summary(`bi:finance.look.q${String(i).padStart(3, '0')}`, { kind: 'tile' });
    const all = `/api/v1/assets?parent=${encodeURIComponent(look.key)}`;
    const calls = serve({
      [`/api/v1/assets/${look.key}`]: detail(look, {
        children: Array.from({ length: 100 }, (_, i) => kid(i)),
        children_total: 230,
        children_next_cursor: 'c100',
        children_all: all,
      }),
      [`/api/v1/assets/${look.key}/history`]: noHistory(look.key),
      [`${decodeURIComponent(all)}&limit=100&cursor=c100`]: { items: Array.from({ length: 100 }, (_, i) => kid(100 + i)), next_cursor: 'c200', total: 230 },
      [`${decodeURIComponent(all)}&limit=100&cursor=c200`]: { items: Array.from({ length: 30 }, (_, i) => kid(200 + i)), next_cursor: null, total: 230 },
    });
    await open(look.key);
    const contains = screen.getByRole('region', { name: 'Contains' });
    expect(within(contains).getAllByRole('link')).toHaveLength(100);
    await act(async () => {
      fireEvent.click(within(contains).getByRole('button', { name: 'Show more (100 of 230)' }));
    });
    expect(within(contains).getAllByRole('link')).toHaveLength(200);
    await act(async () => {
      fireEvent.click(within(contains).getByRole('button', { name: 'Show more (200 of 230)' }));
    });
    const links = within(contains).getAllByRole('link');
    expect(links).toHaveLength(230);
    expect(links[229].textContent).toBe('q229');
    expect(within(contains).queryByRole('button')).toBeNull();
    expect(calls.filter((c) => c.startsWith('/api/v1/assets?parent='))).toHaveLength(2);
  });
});
