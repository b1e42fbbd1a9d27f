// Dashboards and Looks nobody opened in N days (default 30): candidates to retire. Usage only;
// their freshness is on their own pages.

import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { query } from '../api/client';
import type { AssetList, AssetSummary } from '../api/types';
import { useApi } from '../api/useApi';
import { UsageLine } from '../components/Provenance';
import { Empty, ErrorState, Loading } from '../components/States';
import { assetUrl, locationOf } from '../lib/paths';

export const DEFAULT_UNUSED_DAYS = 30;

/** The days from `?days=`, kept within what the API takes (1 to 3650). */
export function unusedDays(raw: string | null): number {
  const n = Math.round(Number(raw));
  return Number.isFinite(n) && n >= 1 ? Math.min(n, 3650) : DEFAULT_UNUSED_DAYS;
}

const PRESETS = [7, 30, 90, 365];

/** Never opened first, then the longest unopened, then by name: what to retire first comes first. */
export function leastOpenedFirst(items: readonly AssetSummary[]): AssetSummary[] {
  const at = (a: AssetSummary) => (a.usage?.last_accessed_at ? Date.parse(a.usage.last_accessed_at) : -Infinity);
  return [...items].sort((a, b) => at(a) - at(b) || a.name.localeCompare(b.name) || a.key.localeCompare(b.key));
}

export function Unused() {
  const [params, setParams] = useSearchParams();
  const days = unusedDays(params.get('days'));
  const [draft, setDraft] = useState(String(days));
  useEffect(() => setDraft(String(days)), [days]);
  const list = useApi<AssetList>(`/api/v1/assets${query({ unused_days: days, sort: 'name', limit: 1000 })}`);
  const items = leastOpenedFirst(list.data?.items ?? []);

  return (
    <div className="unused-page">
      <header className="page-head">
        <div>
          <p className="eyebrow">
            <Link to="/">Overview</Link>
          </p>
          <h1>Unused dashboards and Looks</h1>
          <p className="muted">Nobody opened these in the last {days === 1 ? 'day' : `${days} days`}, or ever.</p>
        </div>
      </header>
      <form
        className="toolbar unused-form"
        role="search"
        aria-label="Unused period"
        onSubmit={(e) => {
          e.preventDefault();
          const n = unusedDays(draft);
          setDraft(String(n));
          setParams(n === DEFAULT_UNUSED_DAYS ? {} : { days: String(n) });
        }}
      >
        <label className="field">
          Not opened in
          <input type="number" inputMode="numeric" min={1} max={3650} value={draft} onChange={(e) => setDraft(e.target.value)} /> days
        </label>
        <button type="submit" className="button">
          Show
        </button>
        <span className="presets" role="group" aria-label="Common periods">
          {PRESETS.map((n) => (
            <Link key={n} to={n === DEFAULT_UNUSED_DAYS ? '/unused' : `/unused?days=${n}`} className="chip" aria-current={n === days ? 'true' : undefined}>
              {n === 365 ? '1 year' : `${n} days`}
            </Link>
          ))}
        </span>
        {list.data && (
          <span className="muted" aria-live="polite">
            {list.data.total} {list.data.total === 1 ? 'item' : 'items'}
          </span>
        )}
      </form>
      {list.error ? (
        <ErrorState error={list.error} onRetry={list.reload} what="unused dashboards and Looks" />
      ) : !list.data ? (
        <Loading label="Loading…" />
      ) : items.length === 0 ? (
        <Empty title="Everything was opened">Every dashboard and Look was opened in the last {days} days.</Empty>
      ) : (
        <ul className="ref-list unused-list card">
          {items.map((a) => (
            <li key={a.key}>
              <Link to={assetUrl(a.key)}>{a.name}</Link>{' '}
              <span className="muted">
                {a.kind} · {locationOf(a)}
                {a.owner ? ` · ${a.owner}` : ''}
              </span>
              <br />
              {a.usage ? <UsageLine usage={a.usage} /> : <span className="muted">no usage reported</span>}
            </li>
          ))}
          {list.data.next_cursor && <li className="muted">and {list.data.total - items.length} more</li>}
        </ul>
      )}
    </div>
  );
}
