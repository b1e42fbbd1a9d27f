// @vitest-environment jsdom
import { act, fireEvent, render, screen } from '@testing-library/react';
import { MemoryRouter, useLocation } from 'react-router-dom';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { clearCache } from '../api/client';
import type { AssetKind, AssetSummary, Summary, TreeNode } from '../api/types';
import { incident } from '../test-fixtures';
import { Overview } from './Overview';

const counts = (error = 0) => ({ fresh: 2 - error, warn: 0, error, unknown: 0, total: 2 });
const node = (key: string, name: string, kind: AssetKind, status: TreeNode['status'], children: TreeNode[] = []): TreeNode => ({
  key,
  name,
  kind,
  status,
  counts: counts(status === 'error' ? 1 : 0),
  children,
});
const asset = (key: string, name: string, status: AssetSummary['status']): AssetSummary => ({
  key,
  name,
  kind: 'table',
  parent: 'wh:raw',
  connection: 'wh',
  owner: 'ana',
  tags: [],
  status,
  changed_at: '2026-11-26T08:00:00Z',
  age_seconds: 3600,
  signal: null,
  policy: null,
  reason: null,
  error: null,
  impacted: false,
  data_time: '2026-11-26T08:00:00Z',
  data_time_from: key,
  usage: null,
  counts: counts(status === 'error' ? 1 : 0),
  history: Array(90).fill(status),
});
const summary: Summary = {
  generated_at: '2026-11-26T10:00:00Z',
  version: 1,
  timezone: 'UTC',
  overall: 'error',
  message: '1 asset stale',
  counts: { fresh: 1, warn: 0, error: 1, unknown: 0, total: 2 },
  impacted: 0,
  connections: [],
};

function Where() {
  const l = useLocation();
  return <output data-testid="where">{l.search}</output>;
}

// jsdom has no scrolling; the virtualizer only needs the call to exist.
window.scrollTo = () => {};

afterEach(() => {
  vi.unstubAllGlobals();
  clearCache();
});

describe('Overview', () => {
  it('shows the banner, connection groups with their schemas, and opens a schema into asset rows', async () => {
    const calls: string[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) => {
        calls.push(url);
        const body = url.startsWith('/api/v1/incidents')
          ? { items: [] }
          : url.startsWith('/api/v1/summary')
          ? summary
          : url.startsWith('/api/v1/tree')
            ? { nodes: [node('wh', 'wh', 'connection', 'error', [node('wh:raw', 'raw', 'schema', 'error')])] }
            : { items: [asset('wh:raw.orders', 'orders', 'error'), asset('wh:raw.users', 'users', 'fresh')], next_cursor: null, total: 2 };
        return new Response(JSON.stringify(body), { status: 200 });
      }),
    );
    await act(async () => {
      render(
        <MemoryRouter initialEntries={['/']}>
          <Overview />
          <Where />
        </MemoryRouter>,
      );
    });
    expect(await screen.findByRole('heading', { level: 1, name: '1 asset stale' })).toBeTruthy();
    expect(screen.queryByRole('link', { name: 'Unused dashboards and Looks' })).toBeNull();
    const wh = await screen.findByRole('button', { name: /^wh/ });
    expect(wh.getAttribute('aria-expanded')).toBe('true');
    const raw = await screen.findByRole('button', { name: /^raw/ });
    expect(raw.getAttribute('aria-expanded')).toBe('false');
    expect(calls.some((c) => c.startsWith('/api/v1/assets'))).toBe(false);

    await act(async () => {
      fireEvent.click(raw);
    });
    expect(screen.getByTestId('where').textContent).toBe('?open=wh&open=wh%3Araw');
    expect(await screen.findByRole('link', { name: 'orders, Stale' })).toBeTruthy();
    expect(calls).toContain('/api/v1/assets?parent=wh%3Araw&sort=staleness&limit=500');
  });

  it('shows Looker folders and dashboards as groups, a folder listing only its Looks, and leads to the unused ones', async () => {
    const calls: string[] = [];
    const c = (total: number, error = 0) => ({ fresh: total - error, warn: 0, error, unknown: 0, total });
    const dash: TreeNode = { ...node('lk:shared.finance.revenue', 'Revenue', 'dashboard', 'error'), counts: c(4, 2) };
    const finance: TreeNode = { ...node('lk:shared.finance', 'Finance', 'folder', 'error', [dash]), counts: c(5, 2) };
    const shared: TreeNode = { ...node('lk:shared', 'Shared', 'folder', 'error', [finance]), counts: c(5, 2) };
    const look = { ...asset('lk:shared.finance.weekly', 'Weekly orders', 'fresh'), kind: 'look' as const, usage: { last_accessed_at: null, last_viewed_at: null, view_count: 0 } };
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) => {
        calls.push(url);
        const body = url.startsWith('/api/v1/incidents')
          ? { items: [] }
          : url.startsWith('/api/v1/summary')
          ? { ...summary, connections: [{ name: 'lk', type: 'looker', last_run: null, last_success: null, next_run: null, error: null, asset_count: 5, warnings: [] }] }
          : url.startsWith('/api/v1/tree')
            ? { nodes: [{ ...node('lk', 'lk', 'connection', 'error', [shared]), counts: c(5, 2) }] }
            : url.includes('unused_days=30')
              ? { items: [look], next_cursor: 'x', total: 3 }
              : { items: [look], next_cursor: null, total: 1 };
        return new Response(JSON.stringify(body), { status: 200 });
      }),
    );
    await act(async () => {
      render(
        <MemoryRouter initialEntries={['/']}>
          <Overview />
          <Where />
        </MemoryRouter>,
      );
    });
    const unused = await screen.findByRole('link', { name: 'Unused dashboards and Looks' });
    expect(unused.getAttribute('href')).toBe('/unused');
    expect(await screen.findByText(': 3 not opened in 30 days')).toBeTruthy();
    const folder = await screen.findByRole('button', { name: /^Shared \/ Finance ?folder$/ });
    const group = await screen.findByRole('button', { name: /^Shared \/ Finance \/ Revenue ?dashboard$/ });
    expect(group.getAttribute('aria-expanded')).toBe('false');
    expect(screen.getByRole('link', { name: 'Open Shared / Finance / Revenue' }).getAttribute('href')).toBe('/assets/lk%3Ashared.finance.revenue');
    expect(screen.getByRole('link', { name: 'Open Shared / Finance' }).getAttribute('href')).toBe('/browse/lk%3Ashared.finance');
    await act(async () => {
      fireEvent.click(folder);
    });
    expect(calls).toContain('/api/v1/assets?parent=lk%3Ashared.finance&leaves=true&sort=staleness&limit=500');
    expect(await screen.findByRole('link', { name: 'Weekly orders, Fresh' })).toBeTruthy();
    expect(screen.getByText(/never opened · 0 views/)).toBeTruthy();
  });

  it('puts the open incidents at the top, after the banner and before the assets', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) => {
        const body = url.startsWith('/api/v1/incidents')
          ? { items: [incident('wh:raw.orders', { impacted: { count: 2, keys: ['wh:marts.revenue', 'wh:staging.stg_orders'] } })] }
          : url.startsWith('/api/v1/summary')
            ? summary
            : url.startsWith('/api/v1/tree')
              ? { nodes: [] }
              : { items: [], next_cursor: null, total: 0 };
        return new Response(JSON.stringify(body), { status: 200 });
      }),
    );
    await act(async () => {
      render(
        <MemoryRouter initialEntries={['/']}>
          <Overview />
        </MemoryRouter>,
      );
    });
    const headings = (await screen.findAllByRole('heading')).map((h) => h.textContent);
    expect(headings.slice(0, 3)).toEqual(['1 asset stale', '1 open incident', 'Assets']);
    expect(screen.getByRole('link', { name: 'orders' }).getAttribute('href')).toBe('/assets/wh%3Araw.orders');
    expect(screen.getByText(/2 impacted assets:/)).toBeTruthy();
  });
});
