// @vitest-environment jsdom
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router-dom';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { clearCache } from '../api/client';
import type { AssetSummary } from '../api/types';
import { AssetRow } from '../components/AssetRow';
import { Unused, unusedDays } from './Unused';

const DAY = 86400e3;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
const look = (key: string, usage: AssetSummary['usage']): AssetSummary => ({
  key,
  name: key.split('.').pop()!,
  kind: 'look',
  parent: 'bi:finance',
  connection: 'bi',
  owner: 'ana',
  tags: [],
  status: 'fresh',
  changed_at: ago(DAY),
  age_seconds: 86400,
  signal: null,
  policy: null,
  reason: null,
  error: null,
  impacted: false,
  data_time: ago(DAY),
  data_time_from: key,
  usage,
  counts: { fresh: 1, warn: 0, error: 0, unknown: 0, total: 1 },
  history: [],
});

function Where() {
  return <output data-testid="where">{useLocation().search}</output>;
}

afterEach(() => {
  vi.unstubAllGlobals();
  clearCache();
});

describe('unusedDays', () => {
  it('defaults to 30 and stays within what the API takes', () => {
    expect(unusedDays(null)).toBe(30);
    expect(unusedDays('abc')).toBe(30);
    expect(unusedDays('0')).toBe(30);
    expect(unusedDays('90')).toBe(90);
    expect(unusedDays('99999')).toBe(3650);
  });
});

describe('Unused', () => {
  it('lists what nobody opened in N days with its usage, and asks again for another N', async () => {
    const calls: string[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) => {
        calls.push(url);
        const items = [look('bi:finance.old_funnel', { last_accessed_at: ago(120 * DAY), last_viewed_at: null, view_count: 9 }), look('bi:finance.draft', { last_accessed_at: null, last_viewed_at: null, view_count: 0 })];
        return new Response(JSON.stringify({ items, next_cursor: null, total: 2 }), { status: 200 });
      }),
    );
    await act(async () => {
      render(
        <MemoryRouter initialEntries={['/unused']}>
          <Routes>
            <Route path="/unused" element={<Unused />} />
          </Routes>
          <Where />
        </MemoryRouter>,
      );
    });
    expect(calls).toEqual(['/api/v1/assets?unused_days=30&sort=name&limit=1000']);
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Unused dashboards and Looks');
    // Never opened first, then the longest unopened.
    const rows = screen.getAllByRole('listitem');
    expect(rows.map((r) => r.textContent)).toEqual([
      'draft look · bi › finance · ananever opened · 0 views',
      'old_funnel look · bi › finance · anaopened 120 d ago · 9 views',
    ]);
    expect(within(rows[1]).getByRole('link', { name: 'old_funnel' }).getAttribute('href')).toBe('/assets/bi%3Afinance.old_funnel');
    // Usage only: no freshness words in this list.
    expect(screen.queryByText(/Fresh|Stale|Late/)).toBeNull();

    await act(async () => {
      fireEvent.change(screen.getByLabelText(/Not opened in/), { target: { value: '90' } });
      fireEvent.click(screen.getByRole('button', { name: 'Show' }));
    });
    expect(screen.getByTestId('where').textContent).toBe('?days=90');
    expect(calls[calls.length - 1]).toBe('/api/v1/assets?unused_days=90&sort=name&limit=1000');
    expect(screen.getByRole('link', { name: '90 days' }).getAttribute('aria-current')).toBe('true');
    await act(async () => {
      fireEvent.click(screen.getByRole('link', { name: '1 year' }));
    });
    expect(screen.getByTestId('where').textContent).toBe('?days=365');
    expect(calls[calls.length - 1]).toBe('/api/v1/assets?unused_days=365&sort=name&limit=1000');
    expect((screen.getByLabelText(/Not opened in/) as HTMLInputElement).value).toBe('365');
  });
});

describe('AssetRow usage', () => {
  it('shows how much a Look is used apart from its status, and nothing for a table', () => {
    render(
      <MemoryRouter>
        <AssetRow asset={look('bi:finance.orders', { last_accessed_at: ago(3 * DAY), last_viewed_at: null, view_count: 57 })} />
        <AssetRow asset={{ ...look('wh:raw.orders', null), kind: 'table' }} />
      </MemoryRouter>,
    );
    const [lk, table] = [...document.querySelectorAll('.asset-row')];
    expect(lk.querySelector('.asset-sub')!.textContent).toBe('look · ana · opened 3 d ago · 57 views');
    expect(lk.querySelector('.asset-state')!.textContent).not.toContain('views');
    expect(table.querySelector('.usage')).toBeNull();
  });
});
