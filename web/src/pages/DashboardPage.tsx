// A dashboard: which tile is stale, which table is to blame, and one click to it. Its tiles,
// worst first, each with its status and data time, the tables it reads (their status, last
// change and how the link is known) and, when it is late or stale, a link to its root cause;
// beside that, apart from freshness, when people last opened it and how often.
//
// Requests: the dashboard's detail (its tiles are its children; when it embeds only the first
// page of them, all of them from its `children_all`, up to 1000), then one lineage of depth 1 per
// tile for the first MAX_TILE_SOURCES tiles, worst first (the client cache shares them with the
// tile pages); tiles further down link to their own pages.

import { AssetIntro } from '../components/AssetIntro';
import { Link } from 'react-router-dom';
import { assetPath } from '../api/client';
import type { AssetDetail, AssetList, AssetSummary, Edge, HistoryDay, Lineage } from '../api/types';
import { useApi } from '../api/useApi';
import { Breadcrumbs } from '../components/Breadcrumbs';
import { HistoryBar } from '../components/HistoryBar';
import { AssetIncidents } from '../components/Incidents';
import { ChangedAndDataTime, UsageCard } from '../components/Provenance';
import { ErrorState, Loading } from '../components/States';
import { StatusBadge } from '../components/StatusIcon';
import { Ago } from '../components/Time';
import { assetUrl, shortName } from '../lib/paths';
import { severity, STATUS_LABEL, tilesPhrase } from '../lib/status';

export const MAX_TILE_SOURCES = 40;
const MAX_TILES = 1000;

/** Worst first, then by name: the tile to look at comes first. */
export function tilesInOrder(tiles: readonly AssetSummary[]): AssetSummary[] {
  return [...tiles].sort((a, b) => severity(b.status) - severity(a.status) || a.name.localeCompare(b.name) || a.key.localeCompare(b.key));
}

/** `days`: the dashboard's own 90 days (worst of its tiles), when the asset page has them. */
export function DashboardPage({ detail, days }: { detail: AssetDetail; days?: readonly HistoryDay[] }) {
  const d = detail;
  const a = d.asset;
  // Worst first needs every tile; the detail embeds the first page by name.
  const rest = useApi<AssetList>(d.children_next_cursor ? `${d.children_all}&limit=${MAX_TILES}` : null);
  const children = rest.data ? rest.data.items : d.children;
  const tiles = tilesInOrder(children.filter((c) => c.kind === 'tile'));
  const bad = tiles.filter((t) => t.status === 'warn' || t.status === 'error').length;
  return (
    <div className="asset-page dashboard-page">
      <Breadcrumbs trail={d.ancestors} current={a.name} />
      <header className="page-head">
        <div>
          <p className="eyebrow">
            dashboard
            {a.owner ? ` · owned by ${a.owner}` : ''}
          </p>
          <h1>{a.name}</h1>
          <p className="asset-key">
            <code>{a.key}</code>
          </p>
        </div>
        <div className="head-status">
          <StatusBadge status={a.status} size="lg" label={`${STATUS_LABEL[a.status]}: ${tilesPhrase(a.counts)}`} />
        </div>
      </header>
      <AssetIntro asset={a} />

      <div className="cards">
        <section className={`card card-why card-${a.status}`} aria-labelledby="fresh-title">
          <h2 id="fresh-title">Freshness</h2>
          <p className="big">{bad ? `${bad} of ${tiles.length} ${tiles.length === 1 ? 'tile needs' : 'tiles need'} attention` : tiles.length ? 'Every tile is fresh' : 'No tiles'}</p>
          <p className="muted">A dashboard is as fresh as its worst tile; a tile is judged on the oldest data it shows.</p>
          {a.data_time && (
            <p>
              Oldest data on it: <ChangedAndDataTime asset={{ ...a, changed_at: null }} />
            </p>
          )}
        </section>
        {a.usage ? (
          <UsageCard usage={a.usage} />
        ) : (
          <section className="card" aria-labelledby="usage-title">
            <h2 id="usage-title">Usage</h2>
            <p className="muted">The BI tool reports no usage for this dashboard.</p>
          </section>
        )}
      </div>

      {days?.some((x) => x.has_data) && (
        <section className="section" aria-labelledby="hist-title">
          <h2 id="hist-title">Last 90 days</h2>
          <HistoryBar assetKey={a.key} name={a.name} days={days} size="lg" />
        </section>
      )}

      <section className="section" aria-labelledby="tiles-title">
        <div className="section-head">
          <h2 id="tiles-title">Tiles</h2>
          <span className="muted">{tilesPhrase(a.counts)}</span>
        </div>
        {tiles.length === 0 ? (
          <p className="muted">This dashboard has no tiles.</p>
        ) : (
          <ol className="tiles">
            {tiles.map((t, i) => (
              <TileItem key={t.key} tile={t} withSources={i < MAX_TILE_SOURCES} />
            ))}
          </ol>
        )}
      </section>

      <AssetIncidents assetKey={a.key} />
    </div>
  );
}

type Source = { edge: Edge; node: AssetSummary };

/** One tile: status and data time, the tables it reads, and for a late or stale tile the way to its root cause. */
function TileItem({ tile, withSources }: { tile: AssetSummary; withSources: boolean }) {
  const lineage = useApi<Lineage>(withSources ? assetPath(tile.key, '/lineage?depth=1') : null);
  const l = lineage.data;
  const nodes = new Map((l?.nodes ?? []).map((n) => [n.key, n]));
  const sources: Source[] = (l?.edges ?? [])
    .filter((e) => e.to === tile.key && nodes.has(e.from))
    .map((e) => ({ edge: e, node: nodes.get(e.from)! }))
    .sort((x, y) => severity(y.node.status) - severity(x.node.status) || x.node.name.localeCompare(y.node.name));
  const roots = l?.root_causes ?? [];
  const bad = tile.status === 'warn' || tile.status === 'error';
  const id = `tile-${tile.key}`;
  return (
    <li className={`tile card tile-${tile.status}`} aria-labelledby={id} data-key={tile.key}>
      <div className="tile-head">
        <StatusBadge status={tile.status} size="sm" />
        <Link to={assetUrl(tile.key)} id={id} className="tile-name">
          {tile.name}
        </Link>
      </div>
      <p className="muted tile-time">
        <ChangedAndDataTime asset={tile} />
      </p>
      {bad && roots.length > 0 && (
        <p className="tile-blame">
          <Link to={assetUrl(roots[0])} className={`blame-link blame-${nodes.get(roots[0])?.status ?? tile.status}`} aria-label={`To blame: ${shortName(roots[0])}`}>
            <span aria-hidden="true">◆</span> To blame: {shortName(roots[0])} →
          </Link>
          {roots.length > 1 && (
            <Link to={assetUrl(tile.key)} className="muted">
              {' '}
              and {roots.length - 1} more
            </Link>
          )}
        </p>
      )}
      {!withSources ? (
        <p className="muted">
          <Link to={assetUrl(tile.key)}>Its sources</Link> are on its own page.
        </p>
      ) : lineage.error ? (
        lineage.error.status === 404 ? (
          <p className="muted">No source tables known.</p>
        ) : (
          <ErrorState error={lineage.error} onRetry={lineage.reload} what="the tile's sources" />
        )
      ) : !l ? (
        <Loading label="Loading sources…" />
      ) : sources.length === 0 ? (
        <p className="muted">No source tables known.</p>
      ) : (
        <>
          <h3 className="tile-reads">Reads</h3>
          <ul className="ref-list sources" aria-label={`Sources of ${tile.name}`}>
            {sources.map(({ edge, node }) => (
              <li key={node.key} className="source">
                <StatusBadge status={node.status} size="sm" /> <Link to={assetUrl(node.key)}>{node.name}</Link>{' '}
                <span className="muted">
                  {node.kind} · <Ago iso={node.changed_at} prefix="changed" />
                </span>
                {edge.via && (
                  <>
                    {' '}
                    <span className={`chip chip-via${edge.via === 'explore-level' ? ' chip-explore' : ''}`}>via {edge.via}</span>
                  </>
                )}
                {roots.includes(node.key) && (
                  <>
                    {' '}
                    <span className="chip chip-root">root cause</span>
                  </>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
    </li>
  );
}
