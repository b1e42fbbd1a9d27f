// Where an asset's data comes from: its data time beside its own change time, the lineage path
// up to each root cause, and, for dashboards and Looks, how much they are used. Usage is shown
// on its own, never mixed into freshness.

import { Link } from 'react-router-dom';
import type { AssetDetail, AssetSummary } from '../api/types';
import { assetUrl, shortName } from '../lib/paths';
import { STATUS_LABEL } from '../lib/status';
import { StatusBadge } from './StatusIcon';
import { Ago } from './Time';

/** Whether the data it shows is older than its own change: it shows data that flows in from another asset. */
export function hasOwnDataTime(a: Pick<AssetSummary, 'key' | 'changed_at' | 'data_time' | 'data_time_from'>): boolean {
  if (!a.data_time || !a.data_time_from || a.data_time_from === a.key) return false;
  return !a.changed_at || Math.abs(Date.parse(a.data_time) - Date.parse(a.changed_at)) >= 1000;
}

/**
 * "changed 1 h ago · data from 4 d ago (raw.orders)"; just the change time when they agree, just
 * the data time for what has no change of its own (a tile).
 */
export function ChangedAndDataTime({ asset }: { asset: Pick<AssetSummary, 'key' | 'changed_at' | 'data_time' | 'data_time_from'> }) {
  const data = hasOwnDataTime(asset);
  return (
    <span className="changed-data">
      {(asset.changed_at || !data) && <Ago iso={asset.changed_at} prefix="changed" />}
      {data && (
        <>
          {asset.changed_at ? ' · ' : ''}
          <span className="data-time">
            <Ago iso={asset.data_time} prefix="data from" />{' '}
            (<Link to={assetUrl(asset.data_time_from!)} title={asset.data_time_from!}>{shortName(asset.data_time_from!)}</Link>)
          </span>
        </>
      )}
    </span>
  );
}

type RootPath = AssetDetail['root_paths'][number];

/** Each root path as a chain, this asset first: tile → view → table → model → source, with how each link is known. */
export function RootPaths({ paths }: { paths: RootPath[] }) {
  return (
    <ul className="root-paths">
      {paths.map((p) => {
        const root = p.hops[p.hops.length - 1];
        return (
          <li key={p.root} className="root-path">
            <ol className="chain" aria-label={`Path from this asset to ${root?.name ?? p.root}`}>
              {p.hops.map((h, i) => (
                <li key={h.key} className="hop">
                  {i > 0 && (
                    <span className="hop-link" aria-hidden="true">
                      {p.hops[i - 1].via ? <span className="hop-via">{p.hops[i - 1].via}</span> : null}
                    </span>
                  )}
                  <span className="visually-hidden">{i > 0 ? `reads from${p.hops[i - 1].via ? ` (${p.hops[i - 1].via})` : ''} ` : ''}</span>
                  <span className={`hop-node hop-${h.status}`}>
                    {i === 0 ? (
                      <strong>{h.name}</strong>
                    ) : (
                      <Link to={assetUrl(h.key)} aria-label={`${h.name}, ${h.kind}, ${STATUS_LABEL[h.status]}`}>
                        {h.name}
                      </Link>
                    )}{' '}
                    <span className="muted">{h.kind}</span> <StatusBadge status={h.status} size="sm" />
                  </span>
                </li>
              ))}
            </ol>
            {root && p.hops.length > 1 && (
              <Link to={assetUrl(root.key)} className={`blame-link blame-${root.status}`} aria-label={`To blame: ${shortName(root.key)}`}>
                <span aria-hidden="true">◆</span> To blame: {shortName(root.key)} →
              </Link>
            )}
          </li>
        );
      })}
    </ul>
  );
}

/** "opened 3 h ago · 1,284 views", or "never opened". */
export function UsageLine({ usage }: { usage: NonNullable<AssetSummary['usage']> }) {
  return (
    <span className="usage">
      {usage.last_accessed_at ? <Ago iso={usage.last_accessed_at} prefix="opened" /> : 'never opened'}
      {usage.view_count != null && ` · ${usage.view_count.toLocaleString('en')} ${usage.view_count === 1 ? 'view' : 'views'}`}
    </span>
  );
}

/** Last accessed, last viewed and view count as the BI tool reports them, in a card of their own. */
export function UsageCard({ usage }: { usage: NonNullable<AssetSummary['usage']> }) {
  return (
    <section className="card card-usage" aria-labelledby="usage-title">
      <h2 id="usage-title">Usage</h2>
      <dl className="facts">
        <dt>Last accessed</dt>
        <dd>{usage.last_accessed_at ? <Ago iso={usage.last_accessed_at} /> : 'never'}</dd>
        <dt>Last viewed</dt>
        <dd>{usage.last_viewed_at ? <Ago iso={usage.last_viewed_at} /> : 'never'}</dd>
        <dt>Views</dt>
        <dd>{usage.view_count != null ? usage.view_count.toLocaleString('en') : <span className="muted">not reported</span>}</dd>
      </dl>
    </section>
  );
}
