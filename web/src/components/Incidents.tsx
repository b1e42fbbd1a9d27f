// Incidents in lists (the overview, the incidents page, an asset page) and the actions on one:
// acknowledge and snooze. Each incident shows its root (linked to its asset page) with its status
// in words, its kind, since when, its impact with the first impacted assets, and whether someone
// acknowledged or snoozed it.

import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api, ApiError, query } from '../api/client';
import type { Incident, IncidentList as IncidentListBody } from '../api/types';
import { useApi } from '../api/useApi';
import { useTimezone } from '../lib/context';
import { impactPhrase, incidentUrl, isSnoozed, KIND_LABEL, snoozeChoices } from '../lib/incidents';
import { assetUrl, shortName } from '../lib/paths';
import { severity } from '../lib/status';
import { formatExact } from '../lib/time';
import { ErrorState, Loading } from './States';
import { StatusBadge } from './StatusIcon';
import { Ago } from './Time';

/** Impacted assets named in a list item before "and N more". */
export const IMPACT_SHOWN = 3;

/** Open or resolved, acknowledged, snoozed: in words, each a chip. */
export function IncidentFlags({ incident: i }: { incident: Incident }) {
  const tz = useTimezone();
  return (
    <span className="incident-flags">
      <span className={`chip chip-${i.status === 'open' ? 'open' : 'resolved'}`}>{i.status === 'open' ? 'Open' : 'Resolved'}</span>
      {i.acknowledged_at && (
        <span className="chip chip-ack">
          Acknowledged <Ago iso={i.acknowledged_at} />
        </span>
      )}
      {isSnoozed(i) && (
        <span className="chip chip-snoozed" title={formatExact(i.snoozed_until, tz)}>
          Snoozed until {formatExact(i.snoozed_until, tz)}
        </span>
      )}
    </span>
  );
}

/** The first impacted assets, linked, and how many more. */
export function ImpactLine({ incident: i, shown = IMPACT_SHOWN }: { incident: Incident; shown?: number }) {
  const keys = i.impacted.keys.slice(0, shown);
  const more = i.impacted.count - keys.length;
  return (
    <span className="impact-line">
      {impactPhrase(i.impacted.count)}
      {keys.length > 0 && ': '}
      {keys.map((k, n) => (
        <span key={k}>
          {n > 0 && ', '}
          <Link to={assetUrl(k)}>{shortName(k)}</Link>
        </span>
      ))}
      {keys.length > 0 && more > 0 && ` and ${more} more`}
    </span>
  );
}

export function IncidentItem({ incident: i, showRootLink = true }: { incident: Incident; showRootLink?: boolean }) {
  return (
    <li className={`incident incident-${i.root.status}`} data-id={i.id} data-status={i.status}>
      <div className="incident-head">
        <StatusBadge status={i.root.status} size="sm" />
        {showRootLink ? (
          <Link to={assetUrl(i.root.key)} className="incident-root">
            {i.root.name}
          </Link>
        ) : (
          <span className="incident-root">{i.root.name}</span>
        )}
        <span className="muted incident-kind">{KIND_LABEL[i.kind]}</span>
        <IncidentFlags incident={i} />
      </div>
      <p className="incident-sub muted">
        {i.status === 'open' ? <Ago iso={i.opened_at} prefix="since" /> : <Ago iso={i.resolved_at} prefix="resolved" />}
        {i.root.owner ? ` · ${i.root.owner}` : ''} · <ImpactLine incident={i} />
      </p>
      <p className="incident-more">
        <Link to={incidentUrl(i.id)} aria-label={`Incident details: ${i.root.name}`}>
          Details, timeline and deliveries
        </Link>
      </p>
    </li>
  );
}

export function IncidentList({ items, label }: { items: readonly Incident[]; label: string }) {
  return (
    <ul className="incident-list card" aria-label={label}>
      {items.map((i) => (
        <IncidentItem key={i.id} incident={i} />
      ))}
    </ul>
  );
}

/** Acknowledge and snooze buttons that POST and then call `onChanged` (to ask again). */
export function IncidentActions({ incident: i, onChanged }: { incident: Incident; onChanged: (i: Incident) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const tz = useTimezone();
  if (i.status !== 'open') return null;
  const run = async (what: string, call: () => Promise<Incident>) => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const next = await call();
      setDone(what);
      onChanged(next);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="incident-actions" role="group" aria-label="Incident actions">
      <button
        type="button"
        className="button"
        disabled={busy || !!i.acknowledged_at}
        onClick={() => void run('Acknowledged.', () => api.acknowledge(i.id))}
      >
        {i.acknowledged_at ? 'Acknowledged' : 'Acknowledge'}
      </button>
      <span className="snooze" role="group" aria-label="Snooze reminders">
        {snoozeChoices().map((c) => (
          <button
            key={c.label}
            type="button"
            className="button"
            disabled={busy}
            title={`No reminders before ${formatExact(c.until.toISOString(), tz)}`}
            onClick={() => void run(`Snoozed until ${formatExact(c.until.toISOString(), tz)}.`, () => api.snooze(i.id, c.until))}
          >
            Snooze {c.label}
          </button>
        ))}
      </span>
      <span className="incident-action-result" aria-live="polite">
        {done}
      </span>
      {error && (
        <p className="form-error" role="alert">
          Could not change the incident: {error}
        </p>
      )}
    </div>
  );
}

/** The worst root first; among equals the server's order (the newest opened first). */
export function worstFirst(items: readonly Incident[]): Incident[] {
  return items
    .map((i, n) => ({ i, n }))
    .sort((a, b) => severity(b.i.root.status) - severity(a.i.root.status) || a.n - b.n)
    .map((x) => x.i);
}

/** Open incidents shown on the overview before "and N more". */
export const OVERVIEW_INCIDENTS = 5;

/** The open incidents, at the top of the overview; nothing when there are none (or the server has no incidents). */
export function OpenIncidents() {
  const list = useApi<IncidentListBody>(`/api/v1/incidents${query({ state: 'open', limit: 100 })}`, 60_000);
  if (list.error) return list.error.status === 404 ? null : <ErrorState error={list.error} onRetry={list.reload} what="open incidents" />;
  const items = worstFirst(list.data?.items ?? []);
  if (!items.length) return null;
  const more = items.length - OVERVIEW_INCIDENTS;
  return (
    <section aria-labelledby="incidents-title" className="open-incidents">
      <div className="section-head">
        <h2 id="incidents-title">
          {items.length} open {items.length === 1 ? 'incident' : 'incidents'}
        </h2>
        <Link to="/incidents">All incidents</Link>
      </div>
      <IncidentList items={items.slice(0, OVERVIEW_INCIDENTS)} label="Open incidents" />
      {more > 0 && (
        <p className="incident-list-more">
          <Link to="/incidents?state=open">and {more} more open</Link>
        </p>
      )}
    </section>
  );
}

/** Incidents caused by an asset, and those it is impacted by, among the latest ones. */
export function AssetIncidents({ assetKey }: { assetKey: string }) {
  const list = useApi<IncidentListBody>(`/api/v1/incidents${query({ limit: ASSET_INCIDENTS_SCANNED })}`);
  if (list.error?.status === 404) return null;
  const items = list.data?.items ?? [];
  const own = items.filter((i) => i.root.key === assetKey);
  const by = items.filter((i) => i.root.key !== assetKey && i.impacted.keys.includes(assetKey));
  return (
    <section aria-labelledby="asset-incidents-title" className="section">
      <div className="section-head">
        <h2 id="asset-incidents-title">Incidents</h2>
        <Link to="/incidents">All incidents</Link>
      </div>
      {list.error ? (
        <ErrorState error={list.error} onRetry={list.reload} what="incidents" />
      ) : !list.data ? (
        <Loading label="Loading incidents…" />
      ) : !own.length && !by.length ? (
        <p className="muted">No recent incidents involve this asset.</p>
      ) : (
        <>
          {own.length > 0 && (
            <>
              <h3>Caused here</h3>
              <IncidentList items={own} label="Incidents caused here" />
            </>
          )}
          {by.length > 0 && (
            <>
              <h3>Impacted by</h3>
              <IncidentList items={by} label="Incidents this asset is impacted by" />
            </>
          )}
        </>
      )}
    </section>
  );
}

/** How many of the latest incidents an asset page looks through for its own. */
export const ASSET_INCIDENTS_SCANNED = 100;
