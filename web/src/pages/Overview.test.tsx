// @vitest-environment jsdom
import { act, fireEvent, render, screen } from '@testing-library/react';
import { MemoryRouter, useLocation } from 'react-router-dom';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { clearCache } from '../api/client';
import type { AssetKind, AssetSummary, Summary, TreeNode } from '../api/types';
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
        const body = url.startsWith('/api/v1/summary')
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
    expect(screen.getByRole('link', { name: 'Unused dashboards and Looks' }).getAttribute('href')).toBe('/unused');
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
});
