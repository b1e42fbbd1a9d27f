import { memo } from 'react';
import { Link } from 'react-router-dom';
import type { AssetSummary } from '../api/types';
import { assetUrl, isConsumer, locationOf } from '../lib/paths';
import { STATUS_LABEL } from '../lib/status';
import { HistoryBar } from './HistoryBar';
import { UsageLine } from './Provenance';
import { StatusBadge } from './StatusIcon';
import { Ago } from './Time';

/**
 * One asset: status in icon and words, when its data changed (for a tile or Look: how old the data
 * it shows is), its last 90 days, and for dashboards and Looks, apart, their usage.
 */
export const AssetRow = memo(function AssetRow({ asset, showLocation }: { asset: AssetSummary; showLocation?: boolean }) {
  const sub = [showLocation ? locationOf(asset) : asset.kind, asset.owner].filter(Boolean).join(' · ');
  return (
    <div className="asset-row" data-key={asset.key}>
      <div className="asset-main">
        <Link to={assetUrl(asset.key)} className="asset-name" aria-label={`${asset.name}, ${STATUS_LABEL[asset.status]}`}>
          {asset.name}
        </Link>
        {asset.impacted && (
          <span className="chip chip-impacted" title="Something upstream of this asset is late or stale">
            impacted upstream
          </span>
        )}
        <div className="asset-sub muted">
          {sub}
          {asset.usage && (
            <>
              {sub ? ' · ' : ''}
              <UsageLine usage={asset.usage} />
            </>
          )}
        </div>
      </div>
      <div className="asset-state">
        <StatusBadge status={asset.status} size="sm" />
        <span className="asset-changed muted">
          {isConsumer(asset.kind) && asset.data_time ? <Ago iso={asset.data_time} prefix="data from" /> : <Ago iso={asset.changed_at} prefix="changed" />}
        </span>
      </div>
      <HistoryBar assetKey={asset.key} name={asset.name} history={asset.history} />
    </div>
  );
});
