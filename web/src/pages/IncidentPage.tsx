// One incident: its root and why, what it impacts (linked), its timeline, every delivery of it to
// the alert channels, and acknowledge and snooze, which POST and then ask again.

import { Link, useParams } from 'react-router-dom';
import { incidentPath } from '../api/client';
import type { IncidentDetail } from '../api/types';
import { useApi } from '../api/useApi';
import { IncidentActions, IncidentFlags } from '../components/Incidents';
import { Empty, ErrorState, Loading } from '../components/States';
import { StatusBadge } from '../components/StatusIcon';
import { Ago } from '../components/Time';
import { useTimezone } from '../lib/context';
import { EVENT_LABEL, impactPhrase, KIND_LABEL } from '../lib/incidents';
import { assetUrl, shortName } from '../lib/paths';
import { formatExact } from '../lib/time';

/** Impacted assets listed on the page; the rest are counted. */
export const IMPACT_LISTED = 200;

const OUTCOME_LABEL = { delivered: 'Delivered', failed: 'Failed', pending: 'Pending' } as const;

export function IncidentPage() {
  const { id = '' } = useParams();
  const detail = useApi<IncidentDetail>(incidentPath(id), 60_000);
  const tz = useTimezone();

  if (detail.error) {
    return (
      <div className="incident-page">
        <p className="eyebrow">
          <Link to="/incidents">Incidents</Link>
        </p>
        <ErrorState error={detail.error} onRetry={detail.reload} what="this incident" />
      </div>
    );
  }
  if (!detail.data) return <Loading label="Loading incident…" />;
  const i = detail.data;
  const keys = i.impacted.keys.slice(0, IMPACT_LISTED);

  return (
    <div className="incident-page">
      <header className="page-head">
        <div>
          <p className="eyebrow">
            <Link to="/incidents">Incidents</Link> · {KIND_LABEL[i.kind]}
          </p>
          <h1>{i.root.name}</h1>
          <p className="asset-key">
            <code>{i.id}</code>
          </p>
          <p className="changed-line">
            <IncidentFlags incident={i} />
          </p>
        </div>
        <div className="head-status">
          <StatusBadge status={i.root.status} size="lg" />
        </div>
      </header>

      <IncidentActions incident={i} onChanged={detail.reload} />

      <div className="cards">
        <section className={`card card-why card-${i.root.status}`} aria-labelledby="root-title">
          <h2 id="root-title">Root</h2>
          <p>
            <Link to={assetUrl(i.root.key)}>{i.root.name}</Link> <span className="muted">({i.root.key})</span>
          </p>
          <p>{i.root.reason}</p>
          <dl className="facts">
            <dt>Owner</dt>
            <dd>{i.root.owner ?? <span className="muted">none</span>}</dd>
            <dt>Data changed</dt>
            <dd>
              <Ago iso={i.root.changed_at} />
            </dd>
            <dt>Opened</dt>
            <dd>{formatExact(i.opened_at, tz)}</dd>
            <dt>Resolved</dt>
            <dd>{i.resolved_at ? formatExact(i.resolved_at, tz) : <span className="muted">not yet</span>}</dd>
            <dt>Last notified</dt>
            <dd>
              <Ago iso={i.last_notified_at} />
            </dd>
          </dl>
        </section>
        <section className="card" aria-labelledby="impact-title">
          <h2 id="impact-title">Impact</h2>
          <p>{impactPhrase(i.impacted.count)}</p>
          {keys.length > 0 && (
            <ul className="ref-list" aria-label="Impacted assets">
              {keys.map((k) => (
                <li key={k}>
                  <Link to={assetUrl(k)}>{shortName(k)}</Link> <span className="muted">{k}</span>
                </li>
              ))}
              {i.impacted.count > keys.length && <li className="muted">and {i.impacted.count - keys.length} more</li>}
            </ul>
          )}
        </section>
      </div>

      <section aria-labelledby="timeline-title" className="section">
        <h2 id="timeline-title">Timeline</h2>
        {i.timeline.length === 0 ? (
          <p className="muted">No events recorded.</p>
        ) : (
          <ol className="timeline" aria-label="Timeline">
            {i.timeline.map((e) => (
              <li key={e.sequence} className={`timeline-event timeline-${e.type.replace('incident.', '')}`}>
                <strong>{EVENT_LABEL[e.type]}</strong> <StatusBadge status={e.status} size="sm" />{' '}
                <span className="muted">
                  {formatExact(e.at, tz)} · {impactPhrase(e.impacted_count)}
                </span>
              </li>
            ))}
          </ol>
        )}
      </section>

      <section aria-labelledby="deliveries-title" className="section">
        <h2 id="deliveries-title">Deliveries</h2>
        {i.deliveries.length === 0 ? (
          <Empty title="No deliveries">No alert channel matched this incident, or it was silenced.</Empty>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Channel</th>
                  <th scope="col">Attempt</th>
                  <th scope="col">At</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">HTTP status</th>
                  <th scope="col">Error</th>
                </tr>
              </thead>
              <tbody>
                {i.deliveries.map((d) => (
                  <tr key={`${d.delivery_id}-${d.attempt}-${d.outcome}`} className={`delivery delivery-${d.outcome}`}>
                    <th data-label="Channel" scope="row">
                      {d.channel}
                    </th>
                    <td data-label="Attempt" className="num">
                      {d.attempt}
                    </td>
                    <td data-label="At">{formatExact(d.at, tz)}</td>
                    <td data-label="Outcome">
                      <span>
                        <span className={`chip chip-outcome-${d.outcome}`}>{OUTCOME_LABEL[d.outcome]}</span>
                      {d.outcome !== 'delivered' && d.next_attempt_at && Date.parse(d.next_attempt_at) > Date.now() && (
                        <span className="muted">
                          {' '}
                          · next <Ago iso={d.next_attempt_at} />
                        </span>
                      )}
                      </span>
                    </td>
                    <td data-label="HTTP status" className="num">
                      {d.http_status ?? '—'}
                    </td>
                    <td data-label="Error">{d.error ? <span className="error-text">{d.error}</span> : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
