// Drill-down through the hierarchy (connection → database → schema → table; project → folder →
// model; folder → dashboard → tile): each level shows its worst status and counts, then its
// child groups, then its own assets (virtualized).

import { useCallback, useEffect, useMemo } from 'react';
import { Link, Navigate, useParams } from 'react-router-dom';
import { query } from '../api/client';
import type { Tree, TreeNode } from '../api/types';
import { useApi } from '../api/useApi';
import { AssetRow } from '../components/AssetRow';
import { Breadcrumbs } from '../components/Breadcrumbs';
import { ConnectionWarnings } from '../components/ConnectionWarnings';
import { Empty, ErrorState, Loading } from '../components/States';
import { StatusBadge } from '../components/StatusIcon';
import { VirtualRows } from '../components/VirtualRows';
import { usePagedLists } from '../lib/pages';
import { assetUrl, findPath, groupUrl } from '../lib/paths';
import { countsPhrase, tilesPhrase } from '../lib/status';
import { useViewState } from '../lib/urlState';
import type { AssetList, AssetSummary, Summary } from '../api/types';
import { Ago } from '../components/Time';
import { UsageLine } from '../components/Provenance';

type Row = { type: 'asset'; asset: AssetSummary } | { type: 'more' };

export function Browse() {
  const { key: rawKey } = useParams();
  const key = rawKey ?? '';
  const tree = useApi<Tree>('/api/v1/tree');
  const [view, update] = useViewState();
  const path = useMemo(() => (tree.data && key ? findPath(tree.data.nodes, key) : []), [tree.data, key]);
  const node = path.length ? path[path.length - 1] : undefined;
  const lists = usePagedLists(500);
  const base = key ? `/api/v1/assets${query({ parent: key, leaves: true, sort: view.sort })}` : null;

  useEffect(() => {
    if (base && !lists.page(base).started) lists.load(base);
  }, [base, lists]);

  const page = base ? lists.page(base) : undefined;
  const rows: Row[] = useMemo(() => {
    if (!page) return [];
    const r: Row[] = page.items.map((a) => ({ type: 'asset', asset: a }));
    if (page.next) r.push({ type: 'more' });
    return r;
  }, [page]);
  const onVisible = useCallback(
    (_first: number, last: number) => {
      if (base && rows[last]?.type === 'more') lists.load(base);
    },
    [rows, lists, base],
  );

  const groups = node ? node.children.filter((c) => c.kind !== 'dashboard') : [];
  const dashboards = node ? node.children.filter((c) => c.kind === 'dashboard') : [];

  if (tree.error) return <ErrorState error={tree.error} onRetry={tree.reload} what="the hierarchy" />;
  if (!tree.data) return <Loading />;

  if (!key) {
    return (
      <div className="browse">
        <Breadcrumbs trail={[]} />
        <h1>Connections</h1>
        {tree.data.nodes.length ? (
          <GroupList nodes={tree.data.nodes} />
        ) : (
          <Empty title="No connections yet">Add a connection to freshwatch.yml; its assets appear after the first collection.</Empty>
        )}
      </div>
    );
  }
  if (node?.kind === 'dashboard') return <Navigate to={assetUrl(node.key)} replace />;
  if (!node) {
    return (
      <div className="browse">
        <Breadcrumbs trail={[]} />
        <Empty title="No such group">
          <p>
            Nothing named <code>{key}</code> groups assets. It may have been removed, or it is an asset:{' '}
            <Link to={`/assets/${encodeURIComponent(key)}`}>open it as an asset</Link>.
          </p>
        </Empty>
      </div>
    );
  }

  return (
    <div className="browse">
      <Breadcrumbs trail={path.slice(0, -1)} current={node.name} />
      <header className="page-head">
        <div>
          <p className="eyebrow">{node.kind}</p>
          <h1>{node.name}</h1>
          <p className="muted">{countsPhrase(node.counts)}</p>
        </div>
        <StatusBadge status={node.status} size="lg" label={`Worst: ${labelOf(node.status)}`} />
      </header>
      <CountsBar node={node} />
      {node.kind === 'connection' && <ConnectionInfo name={node.name} />}
      {groups.length > 0 && (
        <section aria-labelledby="groups-title">
          <h2 id="groups-title">Groups</h2>
          <GroupList nodes={groups} />
        </section>
      )}
      {dashboards.length > 0 && (
        <section aria-labelledby="dashboards-title">
          <h2 id="dashboards-title">Dashboards</h2>
          <DashboardList parent={node.key} nodes={dashboards} />
        </section>
      )}
      {page?.started && !page.loading && !page.error && page.items.length === 0 && node.children.length > 0 ? null : (
      <section aria-labelledby="leaves-title">
        <div className="section-head">
          <h2 id="leaves-title">Assets</h2>
          {page?.started && !page.loading && <span className="muted">{page.total}</span>}
          <label className="field field-inline">
            <span>Sort</span>
            <select value={view.sort} onChange={(e) => update({ sort: e.target.value as typeof view.sort }, { replace: true })}>
              <option value="staleness">Stalest first</option>
              <option value="-staleness">Freshest first</option>
              <option value="name">Name A–Z</option>
              <option value="-name">Name Z–A</option>
            </select>
          </label>
        </div>
        {page?.error ? (
          <ErrorState error={page.error} onRetry={() => base && lists.load(base, true)} what="assets" />
        ) : !page?.started || (page.loading && !page.items.length) ? (
          <Loading label="Loading assets…" />
        ) : page.items.length === 0 ? (
          <Empty title={node.children.length ? 'No assets directly in this group' : 'No assets here yet'} />
        ) : (
          <VirtualRows
            rows={rows}
            label={`Assets in ${node.name}`}
            rowKey={(r) => (r.type === 'asset' ? r.asset.key : 'more')}
            size={(r, narrow) => (r.type === 'asset' ? (narrow ? 100 : 64) : 56)}
            onVisible={onVisible}
            render={(r) => (r.type === 'asset' ? <AssetRow asset={r.asset} /> : <Loading label="Loading more…" />)}
          />
        )}
      </section>
      )}
    </div>
  );
}

/**
 * When the connection last collected, when it collects next, its error if the last run failed
 * and its warnings if the last run had any.
 */
function ConnectionInfo({ name }: { name: string }) {
  const summary = useApi<Summary>('/api/v1/summary');
  const c = summary.data?.connections.find((x) => x.name === name);
  if (!c) return null;
  return (
    <section className="card connection-info" aria-label="Collection">
      <dl className="facts">
        <dt>Type</dt>
        <dd>{c.type}</dd>
        <dt>Last collected</dt>
        <dd>
          <Ago iso={c.last_run} />
          {c.last_success !== c.last_run && (
            <span className="muted">
              {' '}
              · last success <Ago iso={c.last_success} />
            </span>
          )}
        </dd>
        <dt>Next collection</dt>
        <dd>
          <Ago iso={c.next_run} />
        </dd>
        {c.error && (
          <>
            <dt>Error</dt>
            <dd className="error-text">{c.error}</dd>
          </>
        )}
      </dl>
      <ConnectionWarnings connection={c} />
    </section>
  );
}

function labelOf(s: TreeNode['status']) {
  return { fresh: 'fresh', warn: 'late', error: 'stale', unknown: 'unknown' }[s];
}

function GroupList({ nodes }: { nodes: TreeNode[] }) {
  return (
    <ul className="group-list">
      {nodes.map((n) => (
        <li key={n.key} className="group-card" data-key={n.key} data-kind={n.kind}>
          <Link to={groupUrl(n)} className="group-card-link">
            <span className="group-card-name">{n.name}</span>
            <span className="group-kind muted">{n.kind}</span>
          </Link>
          <span className="muted group-counts">{countsPhrase(n.counts)}</span>
          <StatusBadge status={n.status} size="sm" />
        </li>
      ))}
    </ul>
  );
}

/**
 * A folder's dashboards: worst status of their tiles with the counts, and beside it, apart, when
 * people last opened each one (one list request for the folder's dashboards).
 */
function DashboardList({ parent, nodes }: { parent: string; nodes: TreeNode[] }) {
  const list = useApi<AssetList>(`/api/v1/assets${query({ parent, kind: 'dashboard', limit: 1000 })}`);
  const byKey = new Map((list.data?.items ?? []).map((a) => [a.key, a]));
  return (
    <ul className="group-list">
      {nodes.map((n) => {
        const a = byKey.get(n.key);
        return (
          <li key={n.key} className="group-card dashboard-card" data-key={n.key} data-kind={n.kind}>
            <Link to={assetUrl(n.key)} className="group-card-link">
              <span className="group-card-name">{n.name}</span>
              <span className="group-kind muted">dashboard</span>
            </Link>
            <span className="muted group-counts">{tilesPhrase(n.counts)}</span>
            {a?.usage && (
              <span className="muted dashboard-usage">
                <UsageLine usage={a.usage} />
              </span>
            )}
            <StatusBadge status={n.status} size="sm" />
          </li>
        );
      })}
    </ul>
  );
}

/** Share of each status as one stacked bar, with the numbers written beside it. */
function CountsBar({ node }: { node: TreeNode }) {
  const c = node.counts;
  if (!c.total) return null;
  const parts = (['fresh', 'warn', 'error', 'unknown'] as const).filter((s) => c[s] > 0);
  return (
    <div className="counts-bar">
      <div className="stack" aria-hidden="true">
        {parts.map((s) => (
          <span key={s} className={`stack-${s}`} style={{ flexGrow: c[s] }} />
        ))}
      </div>
      <ul className="counts-list">
        {parts.map((s) => (
          <li key={s}>
            <StatusBadge status={s} size="sm" label={`${c[s]} ${labelOf(s)}`} />
          </li>
        ))}
      </ul>
    </div>
  );
}
