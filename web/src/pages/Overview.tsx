import { useCallback, useEffect, useMemo } from 'react';
import { Link } from 'react-router-dom';
import { query } from '../api/client';
import type { AssetList, AssetSummary, Status, Summary, Tree, TreeNode } from '../api/types';
import { useApi } from '../api/useApi';
import { AssetRow } from '../components/AssetRow';
import { Banner } from '../components/Banner';
import { ConnectionWarnings } from '../components/ConnectionWarnings';
import { OpenIncidents } from '../components/Incidents';
import { Empty, ErrorState, Loading } from '../components/States';
import { StatusBadge } from '../components/StatusIcon';
import { Ago } from '../components/Time';
import { Toolbar } from '../components/Toolbar';
import { VirtualRows } from '../components/VirtualRows';
import { usePagedLists } from '../lib/pages';
import { groupUrl, leafGroups } from '../lib/paths';
import { countsPhrase } from '../lib/status';
import { isFiltered, useViewState, type ViewState } from '../lib/urlState';
import { DEFAULT_UNUSED_DAYS } from './Unused';

type Row =
  | { type: 'group'; node: TreeNode; label: string; level: 0 | 1; open: boolean }
  | { type: 'asset'; asset: AssetSummary; flat: boolean }
  | { type: 'more'; base: string }
  | { type: 'note'; text: string; id: string };

const SIZE = { group: 56, asset: 64, more: 56, note: 48 } as const;
const SIZE_NARROW = { group: 52, asset: 100, more: 56, note: 48 } as const;

/** The list query for a filtered view, or null when the view cannot match anything. */
export function flatQuery(v: ViewState): string | null {
  let status: Status[] = v.status;
  if (v.view === 'broken') {
    status = (status.length ? status : (['warn', 'error'] as Status[])).filter((s) => s === 'warn' || s === 'error');
    if (!status.length) return null;
  }
  return `/api/v1/assets${query({ q: v.q, status, owner: v.owner, tag: v.tag, impacted: v.view === 'impacted', leaves: true, sort: v.sort })}`;
}

export function Overview() {
  const [view, update] = useViewState();
  const summary = useApi<Summary>('/api/v1/summary', 60_000);
  const tree = useApi<Tree>('/api/v1/tree', 60_000);
  const filtered = isFiltered(view);
  const keepImpacted = useMemo(() => (view.view === 'impacted' ? (a: AssetSummary) => a.impacted : undefined), [view.view]);
  const lists = usePagedLists(500, keepImpacted);
  const flatBase = filtered ? flatQuery(view) : null;

  const nodes = tree.data?.nodes;
  const open = useMemo(() => new Set(view.open ?? nodes?.map((n) => n.key) ?? []), [view.open, nodes]);
  const toggle = useCallback(
    (key: string) => {
      const next = new Set(open);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      update({ open: [...next] }, { replace: true });
    },
    [open, update],
  );

  const rows: Row[] = useMemo(() => {
    const out: Row[] = [];
    const leaves = (base: string, flat: boolean) => {
      const p = lists.page(base);
      for (const a of p.items) out.push({ type: 'asset', asset: a, flat });
      if (!p.started || p.loading || p.next || p.error) out.push({ type: 'more', base });
      else if (!p.items.length) out.push({ type: 'note', id: `none-${base}`, text: flat ? '' : 'No assets here yet.' });
    };
    if (filtered) {
      if (flatBase) leaves(flatBase, true);
      return out.filter((r) => r.type !== 'note' || r.text);
    }
    for (const n of nodes ?? []) {
      const isOpen = open.has(n.key);
      out.push({ type: 'group', node: n, label: n.name, level: 0, open: isOpen });
      if (!isOpen) continue;
      const groups = leafGroups(n);
      if (!groups.length) {
        leaves(`/api/v1/assets${query({ parent: n.key, sort: view.sort })}`, false);
        continue;
      }
      for (const g of groups) {
        const gOpen = open.has(g.node.key);
        out.push({ type: 'group', node: g.node, label: g.label, level: 1, open: gOpen });
        // A folder that also holds dashboards lists only its own leaves (Looks); its dashboards are groups.
        if (gOpen) leaves(`/api/v1/assets${query({ parent: g.node.key, leaves: g.mixed, sort: view.sort })}`, false);
      }
    }
    return out;
  }, [filtered, flatBase, nodes, open, view.sort, lists]);

  // Load the first page of every open list, and the next page when its "more" row comes into view.
  const onVisible = useCallback(
    (first: number, last: number) => {
      for (let i = first; i <= last && i < rows.length; i++) {
        const r = rows[i];
        if (r.type === 'more') lists.load(r.base);
      }
    },
    [rows, lists],
  );
  useEffect(() => {
    for (const r of rows) if (r.type === 'more' && !lists.page(r.base).started) lists.load(r.base);
  }, [rows, lists]);

  const flatPage = flatBase ? lists.page(flatBase) : undefined;

  return (
    <div className="overview">
      {summary.error ? (
        <ErrorState error={summary.error} onRetry={summary.reload} what="the summary" />
      ) : summary.data ? (
        <>
          <Banner summary={summary.data} />
          <OpenIncidents />
          <Attention summary={summary.data} update={update} bi={hasBi(summary.data, nodes)} />
        </>
      ) : (
        <div className="banner banner-loading" aria-busy="true">
          <Loading label="Checking freshness…" />
        </div>
      )}

      <section aria-labelledby="assets-title" className="assets-section">
        <div className="section-head">
          <h2 id="assets-title">{filtered ? 'Matching assets' : 'Assets'}</h2>
          {filtered && flatPage?.started && !flatPage.loading && (
            <span className="muted" aria-live="polite">
              {flatPage.total} {flatPage.total === 1 ? 'asset' : 'assets'}
            </span>
          )}
          <Legend />
        </div>
        <Toolbar view={view} update={update} />
        {filtered && !flatBase ? (
          <Empty title="Nothing can match these filters">Late or stale assets are never fresh or unknown; clear a status filter.</Empty>
        ) : !filtered && tree.error ? (
          <ErrorState error={tree.error} onRetry={tree.reload} what="the asset groups" />
        ) : !filtered && !nodes ? (
          <Loading label="Loading groups…" />
        ) : !filtered && nodes && nodes.length === 0 ? (
          <Empty title="No assets yet">freshwatch lists assets after the first collection of a connection has finished.</Empty>
        ) : filtered && flatPage?.started && !flatPage.loading && !flatPage.error && flatPage.items.length === 0 && !flatPage.next ? (
          <Empty title="No assets match">Try fewer filters or another search.</Empty>
        ) : (
          <VirtualRows
            rows={rows}
            label={filtered ? 'Matching assets' : 'Assets by connection'}
            rowKey={(r) => (r.type === 'group' ? `g:${r.node.key}` : r.type === 'asset' ? `a:${r.asset.key}` : r.type === 'more' ? `m:${r.base}` : r.id)}
            size={(r, narrow) => (narrow ? SIZE_NARROW : SIZE)[r.type]}
            onVisible={onVisible}
            render={(r) =>
              r.type === 'group' ? (
                <GroupRow row={r} onToggle={toggle} />
              ) : r.type === 'asset' ? (
                <AssetRow asset={r.asset} showLocation={r.flat} />
              ) : r.type === 'more' ? (
                <MoreRow base={r.base} lists={lists} />
              ) : (
                <p className="note muted">{r.text}</p>
              )
            }
          />
        )}
      </section>
    </div>
  );
}

function GroupRow({ row, onToggle }: { row: Extract<Row, { type: 'group' }>; onToggle: (key: string) => void }) {
  const n = row.node;
  return (
    <div className={`group-row group-level-${row.level}`} data-key={n.key}>
      <button type="button" className="group-toggle" aria-expanded={row.open} onClick={() => onToggle(n.key)}>
        <svg className="chevron" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
          <path d="M5.5 3.5L10 8l-4.5 4.5" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
        <span className="group-name">{row.label}</span>
        <span className="group-kind muted">{n.kind}</span>
      </button>
      <span className="group-counts muted">{countsPhrase(n.counts)}</span>
      <StatusBadge status={n.status} size="sm" />
      <Link to={groupUrl(n)} className="group-open" aria-label={`Open ${row.label}`}>
        Open
      </Link>
    </div>
  );
}

function MoreRow({ base, lists }: { base: string; lists: ReturnType<typeof usePagedLists> }) {
  const p = lists.page(base);
  if (p.error) return <ErrorState error={p.error} onRetry={() => lists.load(base, true)} what="assets" />;
  return (
    <div className="more-row">
      {p.loading || !p.started ? (
        <Loading label={p.items.length ? 'Loading more…' : 'Loading assets…'} />
      ) : (
        <button type="button" className="button button-quiet" onClick={() => lists.load(base)}>
          Show more ({p.items.length} of {p.total})
        </button>
      )}
    </div>
  );
}

/** Whether any connection reports BI content (dashboards, Looks), whose usage has a view of its own. */
export function hasBi(summary: Summary, nodes: readonly TreeNode[] | undefined): boolean {
  const dashboards = (ns: readonly TreeNode[]): boolean => ns.some((n) => n.kind === 'dashboard' || dashboards(n.children));
  return summary.connections.some((c) => c.type === 'looker') || dashboards(nodes ?? []);
}

/** How many dashboards and Looks nobody opened lately, leading to the Unused view. Usage, apart from freshness. */
function UnusedLink() {
  const list = useApi<AssetList>(`/api/v1/assets${query({ unused_days: DEFAULT_UNUSED_DAYS, limit: 1 })}`);
  const n = list.data?.total;
  return (
    <p className="attention-links">
      <Link to="/unused">Unused dashboards and Looks</Link>{' '}
      <span className="muted">
        {n === undefined ? `(not opened in ${DEFAULT_UNUSED_DAYS} days)` : `: ${n} not opened in ${DEFAULT_UNUSED_DAYS} days`}
      </span>
    </p>
  );
}

function Attention({ summary, update, bi }: { summary: Summary; update: (p: Partial<ViewState>) => void; bi: boolean }) {
  const c = summary.counts;
  const broken = c.warn + c.error;
  const failing = summary.connections.filter((x) => x.error);
  const warned = summary.connections.filter((x) => !x.error && (x.warnings ?? []).length > 0);
  return (
    <div className="attention">
      <button type="button" className="stat" onClick={() => update({ view: 'broken' })} data-tone={broken ? 'bad' : 'good'}>
        <span className="stat-value">{broken}</span>
        <span className="stat-label">late or stale at their source</span>
      </button>
      <button type="button" className="stat" onClick={() => update({ view: 'impacted' })} data-tone={summary.impacted ? 'warn' : 'good'}>
        <span className="stat-value">{summary.impacted}</span>
        <span className="stat-label">impacted by something upstream</span>
      </button>
      <button type="button" className="stat" onClick={() => update({ status: ['unknown'] })} data-tone={c.unknown ? 'muted' : 'good'}>
        <span className="stat-value">{c.unknown}</span>
        <span className="stat-label">unknown (no data)</span>
      </button>
      <div className="stat stat-static">
        <span className="stat-value">{c.total}</span>
        <span className="stat-label">assets watched</span>
      </div>
      {bi && <UnusedLink />}
      {failing.length > 0 && (
        <ul className="connection-errors" aria-label="Connections with errors">
          {failing.map((x) => (
            <li key={x.name}>
              <StatusBadge status="unknown" size="sm" label="Collection failed" /> <strong>{x.name}</strong> ({x.type}): {x.error}{' '}
              <span className="muted">
                · last success <Ago iso={x.last_success} />
              </span>
            </li>
          ))}
        </ul>
      )}
      {warned.length > 0 && (
        <div className="connection-warnings" aria-label="Connections with warnings">
          {warned.map((x) => (
            <ConnectionWarnings key={x.name} connection={x} showName />
          ))}
        </div>
      )}
    </div>
  );
}

function Legend() {
  const items: [string, string][] = [
    ['fresh', 'Fresh'],
    ['warn', 'Late'],
    ['error', 'Stale'],
    ['none', 'No data'],
  ];
  return (
    <span className="legend" aria-hidden="true">
      90 days:
      {items.map(([k, l]) => (
        <span key={k} className="legend-item">
          <span className={`cell cell-${k}`} /> {l}
        </span>
      ))}
    </span>
  );
}
