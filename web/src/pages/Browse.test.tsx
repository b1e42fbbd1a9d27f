// @vitest-environment jsdom
import { act, render, screen, within } from '@testing-library/react';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router-dom';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { clearCache } from '../api/client';
import type { TreeNode } from '../api/types';
import { ago, HOUR, serve, summary } from '../test-fixtures';
import { Browse } from './Browse';

// jsdom has no scrolling; the virtualizer only needs the call to exist.
window.scrollTo = () => {};

afterEach(() => {
  vi.unstubAllGlobals();
  clearCache();
});

const c = (total: number, error = 0) => ({ fresh: total - error, warn: 0, error, unknown: 0, total });
const tn = (key: string, name: string, kind: TreeNode['kind'], counts: TreeNode['counts'], children: TreeNode[] = []): TreeNode => ({
  key,
  name,
  kind,
  status: counts.error ? 'error' : 'fresh',
  counts,
  children,
});
const revenue = tn('lk:shared.finance.revenue', 'Revenue', 'dashboard', c(4, 2));
const archive = tn('lk:shared.finance.archive', 'Archive', 'folder', c(1));
const finance = tn('lk:shared.finance', 'Finance', 'folder', c(6, 2), [archive, revenue]);
const tree = { nodes: [tn('lk', 'lk', 'connection', c(6, 2), [tn('lk:shared', 'Shared', 'folder', c(6, 2), [finance])])] };

function Where() {
  return <output data-testid="where">{useLocation().pathname}</output>;
}

async function open(key: string) {
  await act(async () => {
    render(
      <MemoryRouter initialEntries={[`/browse/${encodeURIComponent(key)}`]}>
        <Routes>
          <Route path="/browse/:key" element={<Browse />} />
          <Route path="/assets/:key" element={<p>asset page</p>} />
        </Routes>
        <Where />
      </MemoryRouter>,
    );
  });
}

describe('Browse', () => {
  it('shows a Looker folder with its subfolders, its dashboards with tile counts and usage, and its Looks', async () => {
    const dash = summary(revenue.key, { kind: 'dashboard', usage: { last_accessed_at: ago(3 * HOUR), last_viewed_at: null, view_count: 1284 } });
    const look = summary('lk:shared.finance.weekly', {
      name: 'Weekly orders',
      kind: 'look',
      changed_at: null,
      data_time: ago(96 * HOUR),
      data_time_from: 'wh:analytics.raw.orders',
      usage: { last_accessed_at: null, last_viewed_at: null, view_count: 0 },
    });
    const calls = serve({
      '/api/v1/tree': tree,
      '/api/v1/assets?parent=lk:shared.finance&kind=dashboard&limit=1000': { items: [dash], next_cursor: null, total: 1 },
      '/api/v1/assets?parent=lk:shared.finance&leaves=true&sort=staleness&limit=500': { items: [look], next_cursor: null, total: 1 },
    });
    await open(finance.key);
    const groups = screen.getByRole('region', { name: 'Groups' });
    expect(within(groups).getByRole('link', { name: /Archive/ }).getAttribute('href')).toBe('/browse/lk%3Ashared.finance.archive');
    const dashboards = screen.getByRole('region', { name: 'Dashboards' });
    const card = within(dashboards).getByRole('listitem');
    expect(within(card).getByRole('link', { name: /Revenue/ }).getAttribute('href')).toBe('/assets/lk%3Ashared.finance.revenue');
    expect(card.textContent).toContain('2 stale of 4 tiles');
    expect(card.querySelector('.dashboard-usage')!.textContent).toBe('opened 3 h ago · 1,284 views');
    expect(within(card).getByText('Stale')).toBeTruthy();
    // The folder's own assets are its Looks: what they show is as old as their data.
    const row = (await screen.findByRole('link', { name: 'Weekly orders, Fresh' })).closest('.asset-row')!;
    expect(row.textContent).toContain('look · never opened · 0 views');
    expect(row.querySelector('.asset-changed')!.textContent).toBe('data from 4 d ago');
    expect(calls.filter((u) => u.includes('kind=dashboard'))).toHaveLength(1);
  });

  it('opens a dashboard on its own page', async () => {
    serve({ '/api/v1/tree': tree });
    await open(revenue.key);
    expect(screen.getByTestId('where').textContent).toBe('/assets/lk%3Ashared.finance.revenue');
  });
});
