// Incidents, open ones first then the newest (the server's order), with a state filter in the
// URL (`?state=open|resolved`; none: open and recent). One incident per root cause: what is only
// impacted is listed in its root's incident.

import { Link, useSearchParams } from 'react-router-dom';
import { query } from '../api/client';
import type { IncidentList as List } from '../api/types';
import { useApi } from '../api/useApi';
import { IncidentList } from '../components/Incidents';
import { Empty, ErrorState, Loading } from '../components/States';
import { incidentState, INCIDENT_STATES } from '../lib/incidents';

export const INCIDENTS_LIMIT = 100;

const STATE_LABEL = { any: 'Open and recent', open: 'Open', resolved: 'Resolved' } as const;

export function Incidents() {
  const [params] = useSearchParams();
  const state = incidentState(params.get('state'));
  const list = useApi<List>(`/api/v1/incidents${query({ state, limit: INCIDENTS_LIMIT })}`, 60_000);
  const items = list.data?.items ?? [];
  return (
    <div className="incidents-page">
      <header className="page-head">
        <div>
          <p className="eyebrow">
            <Link to="/">Overview</Link>
          </p>
          <h1>Incidents</h1>
          <p className="muted">One incident per root cause; what it holds up downstream is its impact.</p>
        </div>
      </header>
      <nav className="toolbar unused-form" aria-label="Incident state">
        <span className="presets">
          {INCIDENT_STATES.map((s) => (
            <Link key={s} to={s === 'any' ? '/incidents' : `/incidents?state=${s}`} className="chip" aria-current={s === state ? 'true' : undefined}>
              {STATE_LABEL[s]}
            </Link>
          ))}
        </span>
        {list.data && (
          <span className="muted" aria-live="polite">
            {items.length === INCIDENTS_LIMIT ? `the latest ${items.length}` : items.length} {items.length === 1 ? 'incident' : 'incidents'}
          </span>
        )}
      </nav>
      {list.error ? (
        <ErrorState error={list.error} onRetry={list.reload} what="incidents" />
      ) : !list.data ? (
        <Loading label="Loading incidents…" />
      ) : items.length === 0 ? (
        <Empty title={state === 'resolved' ? 'No resolved incidents' : 'No incidents'}>
          {state === 'open' ? 'Nothing is late or stale at its source right now.' : 'freshwatch opens an incident when an asset goes late or stale at its source.'}
        </Empty>
      ) : (
        <IncidentList items={items} label="Incidents" />
      )}
    </div>
  );
}
