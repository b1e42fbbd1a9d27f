// Where an asset's data comes from: its data time beside its own change time, the lineage path
// up to each root cause, and, for dashboards and Looks, how much they are used. Usage is shown
// on its own, never mixed into freshness.

import { Link } from 'react-router-dom';
import type { AssetDetail, AssetSummary } from '../api/types';
import { assetUrl, isConsumer, shortName } from '../lib/paths';
import { STATUS_LABEL } from '../lib/status';
import { StatusBadge } from './StatusIcon';
import { Ago } from './Time';

type Times = Pick<AssetSummary, 'key' | 'kind' | 'changed_at' | 'data_time' | 'data_time_from'>;

function sameTime(a: string, b: string): boolean {
  return Math.abs(Date.parse(a) - Date.parse(b)) < 1000;
}

/**
 * Whether its data comes from another asset worth naming: a tile, Look or exposure judged on
 * its inputs (its change time is then its data time), or an asset whose data is older than its
 * own change.
 */
export function hasOwnDataTime(a: Times): boolean {
  if (!a.data_time || !a.data_time_from || a.data_time_from === a.key) return false;
  return isConsumer(a.kind) || !a.changed_at || !sameTime(a.data_time, a.changed_at);
}

/** Whether its own change time says something its data time does not. */
export function ownChangeDiffers(a: Times): boolean {
  return Boolean(a.changed_at && (!a.data_time || !sameTime(a.data_time, a.changed_at)));
}

/**
 * "changed 1 h ago · data from 4 d ago (raw.orders)"; just the change time when nothing flows in,
 * just the data time when that is all there is to say (a tile judged on its inputs).
 */
export function ChangedAndDataTime({ asset }: { asset: Times }) {
  const data = hasOwnDataTime(asset);
  const changed = !data || ownChangeDiffers(asset);
  return (
    <span className="changed-data">
      {changed && <Ago iso={asset.changed_at} prefix="changed" />}
      {data && (
        <>
          {changed ? ' · ' : ''}
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
