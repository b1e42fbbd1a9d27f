// One asset: its status and why, when its data last changed, 90 days of age and status,
// the intervals it went through, what each signal saw, and where it sits in the hierarchy and
// the lineage.

import { useState } from 'react';
import { AssetIntro } from '../components/AssetIntro';
import { Link, Navigate, useParams } from 'react-router-dom';
import { ApiError, assetPath, get } from '../api/client';
import type { AssetDetail, AssetList, AssetSummary, History, Lineage } from '../api/types';
import { useApi } from '../api/useApi';
import { AgeChart } from '../components/AgeChart';
import { Breadcrumbs } from '../components/Breadcrumbs';
import { HistoryBar } from '../components/HistoryBar';
import { AssetIncidents } from '../components/Incidents';
import { LineageGraph } from '../components/LineageGraph';
import { Empty, ErrorState, Loading } from '../components/States';
import { StatusBadge } from '../components/StatusIcon';
import { ChangedAndDataTime, hasOwnDataTime, ownChangeDiffers, RootPaths, UsageCard, UsageLine } from '../components/Provenance';
import { DashboardPage } from './DashboardPage';
import { Ago } from '../components/Time';
import { useTimezone } from '../lib/context';
import { freshShare } from '../lib/history';
import { assetUrl, browseUrl, isConsumer, isContainer, shortName } from '../lib/paths';
import { describeRule, ruleLimits } from '../lib/policy';
import { STATUS_DESCRIPTION } from '../lib/status';
import { formatDuration, formatExact } from '../lib/time';

export function AssetPage() {
  const { key = '' } = useParams();
  const detail = useApi<AssetDetail>(assetPath(key));
  const history = useApi<History>(assetPath(key, '/history?days=90'));
  const lineage = useApi<Lineage>(assetPath(key, '/lineage?depth=3'));
  const tz = useTimezone();

  if (detail.error) {
    return (
      <div className="asset-page">
        <Breadcrumbs trail={[]} current={key} />
        <ErrorState error={detail.error} onRetry={detail.reload} what="this asset" />
      </div>
    );
  }
  if (!detail.data) return <Loading label="Loading asset…" />;
  const d = detail.data;
  const a = d.asset;
  if (a.kind === 'dashboard') return <DashboardPage detail={d} days={history.data?.days} />;
  if (isContainer(a.kind)) {
    return <Navigate to={browseUrl(a.key)} replace />;
  }
  const decided = d.observations.find((o) => o.decided);
  const limits = ruleLimits(d.policy.rule);
  const days = history.data?.days;

  return (
    <div className="asset-page">
      <Breadcrumbs trail={d.ancestors} current={a.name} />
      <header className="page-head">
        <div>
          <p className="eyebrow">
            {a.kind}
            {a.owner ? ` · owned by ${a.owner}` : ''}
          </p>
          <h1>{a.name}</h1>
          <p className="asset-key">
            <code>{a.key}</code>
          </p>
          {hasOwnDataTime(a) && (
            <p className="changed-line muted">
              <ChangedAndDataTime asset={a} />
            </p>
          )}
          {a.tags.length > 0 && (
            <ul className="tags" aria-label="Tags">
              {a.tags.map((t) => (
                <li key={t}>
                  <Link to={`/?tag=${encodeURIComponent(t)}`} className="chip">
                    {t}
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </div>
        <div className="head-status">
          <StatusBadge status={a.status} size="lg" />
          {a.impacted && <span className="chip chip-impacted">impacted upstream</span>}
        </div>
      </header>
      <AssetIntro asset={a} />

      <div className="cards">
        <section className={`card card-why card-${a.status}`} aria-labelledby="why-title">
          <h2 id="why-title">Why it is {a.status === 'fresh' ? 'fresh' : a.status === 'warn' ? 'late' : a.status === 'error' ? 'stale' : 'unknown'}</h2>
          <p>{a.reason || STATUS_DESCRIPTION[a.status]}</p>
          {a.error && (
            <p className="error-text" role="note">
              <strong>Error:</strong> {a.error}
            </p>
          )}
          <dl className="facts">
            <dt>Policy</dt>
            <dd>
              {d.policy ? (
                <>
                  <strong>{d.policy.name ?? 'Default policy'}</strong>
                  {d.policy.origin && <span className="muted"> ({d.policy.origin})</span>}
                  <br />
                  {describeRule(d.policy.rule)}
                </>
              ) : (
                'None'
              )}
            </dd>
            <dt>Decided by</dt>
            <dd>{decided ? <>{decided.signal}</> : a.signal || <span className="muted">no signal</span>}</dd>
            {decided?.evidence && (
              <>
                <dt>Evidence</dt>
                <dd>
                  <code className="evidence">{decided.evidence}</code>
                </dd>
              </>
            )}
          </dl>
        </section>
        <section className="card" aria-labelledby="changed-title">
          <h2 id="changed-title">Data last changed</h2>
          {isConsumer(a.kind) && hasOwnDataTime(a) ? (
            <>
              <p className="big">
                <Ago iso={a.data_time} />
              </p>
              <p className="muted">{formatExact(a.data_time, tz)}</p>
              <p className="data-time-note">
                It shows data from <Link to={assetUrl(a.data_time_from!)}>{shortName(a.data_time_from!)}</Link>, its oldest input
                {ownChangeDiffers(a) ? (
                  <>
                    ; the {a.kind} itself changed <Ago iso={a.changed_at} />
                  </>
                ) : null}
                .
              </p>
            </>
          ) : (
            <>
              <p className="big">
                <Ago iso={a.changed_at} />
              </p>
              <p className="muted">{a.changed_at ? formatExact(a.changed_at, tz) : 'No change time seen yet.'}</p>
              {a.age_seconds != null && !hasOwnDataTime(a) && <p>The data is {formatDuration(a.age_seconds)} old.</p>}
              {hasOwnDataTime(a) && (
                <p className="data-time-note">
                  It holds data from <Ago iso={a.data_time} />, from{' '}
                  <Link to={assetUrl(a.data_time_from!)}>{shortName(a.data_time_from!)}</Link>
                  <span className="muted"> ({formatExact(a.data_time, tz)})</span>.
                </p>
              )}
            </>
          )}
        </section>
      </div>

      {a.usage && <UsageCard usage={a.usage} />}

      {d.root_causes.length > 0 && (
        <section className="card card-root" aria-labelledby="roots-title">
          <h2 id="roots-title">Root {d.root_causes.length === 1 ? 'cause' : 'causes'} upstream</h2>
          {/* A server from before root paths sends none: the root causes alone still lead there. */}
          {d.root_paths?.length ? <RootPaths paths={d.root_paths} /> : <RefList items={d.root_causes} />}
        </section>
      )}

      <AssetIncidents assetKey={a.key} />

      <section aria-labelledby="hist-title" className="section">
        <div className="section-head">
          <h2 id="hist-title">Last 90 days</h2>
          {days && <span className="muted">{freshShare(days.map((x) => ({ date: x.date, status: x.has_data ? x.status : null })))}</span>}
        </div>
        {history.error ? (
          <ErrorState error={history.error} onRetry={history.reload} what="the history" />
        ) : !days ? (
          <Loading label="Loading history…" />
        ) : (
          <>
            <HistoryBar assetKey={a.key} name={a.name} days={days} size="lg" />
            <h3>Data age</h3>
            <AgeChart days={days} limits={limits} />
          </>
        )}
      </section>

      <section aria-labelledby="lineage-title" className="section">
        <h2 id="lineage-title">Lineage</h2>
        {lineage.error ? (
          lineage.error.status === 404 ? (
            <p className="muted">No lineage is known for this asset yet.</p>
          ) : (
            <ErrorState error={lineage.error} onRetry={lineage.reload} what="the lineage" />
          )
        ) : !lineage.data ? (
          <Loading label="Loading lineage…" />
        ) : (
          <LineageGraph lineage={lineage.data} focus={a.key} />
        )}
      </section>

      <section aria-labelledby="obs-title" className="section">
        <h2 id="obs-title">Signals</h2>
        {d.observations.length === 0 ? (
          <Empty title="Nothing observed yet">The first collection of this connection has not seen this asset.</Empty>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Signal</th>
                  <th scope="col">Data changed</th>
                  <th scope="col">Observed</th>
                  <th scope="col">Rows</th>
                  <th scope="col">Evidence</th>
                </tr>
              </thead>
              <tbody>
                {d.observations.map((o) => (
                  <tr key={o.signal} className={o.decided ? 'decided' : undefined}>
                    <th data-label="Signal" scope="row">
                      {o.signal}
                      {o.decided && <span className="chip chip-decided">decided</span>}
                    </th>
                    <td data-label="Data changed">
                      <Ago iso={o.changed_at} />
                    </td>
                    <td data-label="Observed">
                      <Ago iso={o.observed_at} />
                    </td>
                    <td data-label="Rows" className="num">{o.row_count != null ? o.row_count.toLocaleString('en') : '—'}</td>
                    <td data-label="Evidence">
                      {o.error ? <span className="error-text">{o.error}</span> : o.evidence ? <code className="evidence">{o.evidence}</code> : '—'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="int-title" className="section">
        <h2 id="int-title">Status intervals</h2>
        {d.intervals.length === 0 ? (
          <p className="muted">No status recorded yet.</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Status</th>
                  <th scope="col">From</th>
                  <th scope="col">To</th>
                  <th scope="col">For</th>
                  <th scope="col">Reason</th>
                </tr>
              </thead>
              <tbody>
                {[...d.intervals].reverse().map((iv) => (
                  <tr key={`${iv.from}-${iv.status}`}>
                    <td data-label="Status">
                      <StatusBadge status={iv.status} size="sm" />
                    </td>
                    <td data-label="From">{formatExact(iv.from, tz)}</td>
                    <td data-label="To">{iv.to ? formatExact(iv.to, tz) : <em>now</em>}</td>
                    <td data-label="For">{formatDuration(((iv.to ? Date.parse(iv.to) : Date.now()) - Date.parse(iv.from)) / 1000)}</td>
                    <td data-label="Reason">{iv.reason ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      {(d.upstream.length > 0 || d.downstream.length > 0 || d.children.length > 0) && (
        <div className="cards">
          {d.upstream.length > 0 && (
            <section className="card" aria-labelledby="up-title">
              <h2 id="up-title">Upstream</h2>
              <RefList items={d.upstream} />
            </section>
          )}
          {d.downstream.length > 0 && (
            <section className="card" aria-labelledby="down-title">
              <h2 id="down-title">Downstream</h2>
              <RefList items={d.downstream} />
            </section>
          )}
          {d.children.length > 0 && <Children key={a.key} detail={d} />}
        </div>
      )}
      {d.ancestors.length > 0 && (
        <p className="muted">
          Part of <Link to={browseUrl(d.ancestors[d.ancestors.length - 1].key)}>{d.ancestors[d.ancestors.length - 1].name}</Link>.
        </p>
      )}
    </div>
  );
}

/**
 * What the asset contains: the page of children its detail embeds, then further pages of
 * `children_all` (GET /api/v1/assets?parent=…) from `children_next_cursor` on, on request.
 */
function Children({ detail }: { detail: AssetDetail }) {
  const [more, setMore] = useState<{ items: AssetSummary[]; next: string | null; loading: boolean; error?: ApiError }>({
    items: [],
    next: detail.children_next_cursor,
    loading: false,
  });
  const items = more.items.length ? detail.children.concat(more.items) : detail.children;
  const load = () => {
    if (!more.next) return;
    setMore((m) => ({ ...m, loading: true, error: undefined }));
    get<AssetList>(`${detail.children_all}&limit=${PAGE}&cursor=${encodeURIComponent(more.next)}`).then(
      (page) => setMore((m) => ({ items: m.items.concat(page.items), next: page.next_cursor, loading: false })),
      (error: unknown) =>
        setMore((m) => ({
          ...m,
          loading: false,
          error: error instanceof ApiError ? error : new ApiError(0, { title: 'Unexpected error', detail: String(error) }),
        })),
    );
  };
  return (
    <section className="card" aria-labelledby="children-title">
      <h2 id="children-title">Contains</h2>
      <RefList items={items} max={items.length} />
      {more.error && <ErrorState error={more.error} onRetry={load} what="more of what it contains" />}
      {more.next && !more.error && (
        <div className="more-row">
          {more.loading ? (
            <Loading label="Loading more…" />
          ) : (
            <button type="button" className="button button-quiet" onClick={load}>
              Show more ({items.length} of {detail.children_total})
            </button>
          )}
        </div>
      )}
    </section>
  );
}

const PAGE = 100;

function RefList({ items, max = 50 }: { items: AssetSummary[]; max?: number }) {
  return (
    <ul className="ref-list">
      {items.slice(0, max).map((x) => (
        <li key={x.key}>
          <StatusBadge status={x.status} size="sm" /> <Link to={assetUrl(x.key)}>{x.name}</Link>{' '}
          <span className="muted">
            {x.kind} · <ChangedAndDataTime asset={x} />
          </span>
          {x.usage && (
            <span className="muted">
              {' '}
              · <UsageLine usage={x.usage} />
            </span>
          )}
        </li>
      ))}
      {items.length > max && <li className="muted">and {items.length - max} more</li>}
    </ul>
  );
}
