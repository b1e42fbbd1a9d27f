// A small stand-in for `freshwatch serve` that follows the API contract with generated data, for
// working on the UI without the C++ build:  node e2e/fake-api.mjs [--port 8080] [--assets 10000]
// It serves web/dist for every other path (index.html for client routes). `npm run e2e` uses it in
// place of the binary with FRESHWATCH_E2E_FAKE=1 (e2e/looker.spec.ts: the BI pages; e2e/incidents.spec.ts).

import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const PORT = Number(opt('port', 8080));
const BULK = Number(opt('assets', 300));
const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
const NOW = Date.now();
const DAY = 86400e3;
const iso = (t) => new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');

let seed = 42;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);

const assets = new Map();
const edges = [];
function add(a) {
  const x = {
    parent: null, owner: null, tags: [], signal: null, policy: null, reason: null, error: null, impacted: false,
    changed_at: null, age_seconds: null, history: [], description: null, url: null,
    data_time: null, data_time_from: null, usage: null, ...a,
  };
  assets.set(x.key, x);
  return x;
}
function leaf(connection, parent, name, kind, status, opts = {}) {
  const ageS = opts.ageS ?? { fresh: 3600 * (1 + rnd() * 5), warn: 3600 * 30, error: 3600 * 80, unknown: null }[status];
  const history = Array.from({ length: 90 }, (_, i) => {
    if (i < (opts.since ?? 0)) return null;
    if (i === 89) return status;
    const r = rnd();
    return r < 0.9 ? 'fresh' : r < 0.95 ? 'warn' : r < 0.98 ? 'error' : null;
  });
  return add({
    key: `${connection}:${parent.split(':')[1] ?? ''}${parent.includes(':') ? '.' : ''}${name}`,
    name, kind, parent, connection, status, owner: opts.owner ?? 'data-platform', tags: opts.tags ?? [],
    changed_at: ageS == null ? null : iso(NOW - ageS * 1000), age_seconds: ageS == null ? null : Math.round(ageS),
    signal: status === 'unknown' ? null : 'pg_stat_user_tables', policy: 'hourly-loads',
    reason: { fresh: 'changed within 6 h', warn: 'last change 30 h ago; late after 24 h', error: 'last change 3 d 8 h ago; stale after 48 h', unknown: 'no change time seen' }[status],
    error: status === 'unknown' ? 'permission denied for table' : null,
    history, impacted: opts.impacted ?? false, description: opts.description ?? null, usage: opts.usage ?? null, url: opts.url ?? null,
  });
}
function container(connection, parent, name, kind) {
  const key = parent ? `${connection}:${parent.includes(':') ? parent.split(':')[1] + '.' : ''}${name}` : connection;
  return add({ key, name, kind, parent, connection });
}

// A warehouse with three schemas, a dbt project and a bulk connection.
const wh = container('warehouse', null, 'warehouse', 'connection');
const db = container('warehouse', wh.key, 'analytics', 'database');
const raw = container('warehouse', db.key, 'raw', 'schema');
const marts = container('warehouse', db.key, 'marts', 'schema');
const staging = container('warehouse', db.key, 'staging', 'schema');
leaf('warehouse', raw.key, 'orders', 'table', 'error', { owner: 'ana', tags: ['finance'], description: 'Orders loaded hourly from the shop.' });
leaf('warehouse', raw.key, 'customers', 'table', 'fresh', { owner: 'ana', tags: ['crm'] });
leaf('warehouse', raw.key, 'payments', 'table', 'fresh', { owner: 'ben', tags: ['finance'] });
leaf('warehouse', raw.key, 'events', 'table', 'warn', { owner: 'ben', since: 40 });
leaf('warehouse', staging.key, 'stg_orders', 'view', 'fresh', {});
leaf('warehouse', staging.key, 'stg_customers', 'view', 'fresh');
leaf('warehouse', marts.key, 'daily_revenue', 'table', 'fresh', { tags: ['finance'] });
leaf('warehouse', marts.key, 'customer_ltv', 'table', 'unknown');
leaf('warehouse', marts.key, 'funnel', 'table', 'fresh');
edges.push(
  { from: 'warehouse:analytics.raw.orders', to: 'warehouse:analytics.staging.stg_orders', via: 'dbt ref' },
  { from: 'warehouse:analytics.raw.customers', to: 'warehouse:analytics.staging.stg_customers', via: 'dbt ref' },
  { from: 'warehouse:analytics.staging.stg_orders', to: 'warehouse:analytics.marts.daily_revenue', via: 'dbt ref' },
  { from: 'warehouse:analytics.raw.payments', to: 'warehouse:analytics.marts.daily_revenue', via: 'dbt ref' },
  { from: 'warehouse:analytics.staging.stg_customers', to: 'warehouse:analytics.marts.customer_ltv', via: 'dbt ref' },
  { from: 'warehouse:analytics.staging.stg_orders', to: 'warehouse:analytics.marts.customer_ltv', via: null },
  { from: 'warehouse:analytics.raw.events', to: 'warehouse:analytics.marts.funnel', via: null },
);
// A Looker instance: nested folders, dashboards (containers of tiles) and Looks. Tiles read the
// warehouse through Looker views; one only at explore level. One dashboard and one Look nobody opens.
const bi = container('looker', null, 'looker', 'connection');
const usage = (accessedDaysAgo, views) => ({
  last_accessed_at: accessedDaysAgo == null ? null : iso(NOW - accessedDaysAgo * DAY),
  last_viewed_at: accessedDaysAgo == null ? null : iso(NOW - (accessedDaysAgo + 0.2) * DAY),
  view_count: views,
});
/** A Looker asset under `parent` ("looker:shared.finance" + "revenue"), judged later on its data time. */
function looker(parent, id, name, kind, opts = {}) {
  const key = parent === bi.key ? `looker:${id}` : `${parent}.${id}`;
  return add({ key, name, kind, parent, connection: 'looker', owner: opts.owner ?? null, usage: opts.usage ?? null,
    description: opts.description ?? null, url: opts.url ?? null, signal: kind === 'tile' || kind === 'look' ? 'lineage' : null,
    policy: kind === 'tile' || kind === 'look' ? 'hourly-loads' : null, history: Array(90).fill(null) });
}
const shared = looker(bi.key, 'shared', 'Shared', 'folder');
const finance = looker(shared.key, 'finance', 'Finance', 'folder');
const marketing = looker(shared.key, 'marketing', 'Marketing', 'folder');
const revenue = looker(finance.key, 'revenue', 'Revenue', 'dashboard', { owner: 'ana', usage: usage(0.1, 1284),
  description: 'Daily revenue for the finance team.', url: 'https://looker.example/dashboards/12' });
looker(revenue.key, 'revenue_by_day', 'Revenue by day', 'tile');
looker(revenue.key, 'orders_today', 'Orders today', 'tile');
looker(revenue.key, 'top_customers', 'Top customers', 'tile');
looker(revenue.key, 'payments', 'Payments', 'tile');
looker(finance.key, 'weekly_orders', 'Weekly orders', 'look', { owner: 'ben', usage: usage(3, 57), url: 'https://looker.example/looks/4' });
const funnel = looker(marketing.key, 'funnel', 'Funnel', 'dashboard', { owner: 'ben', usage: usage(45, 9) });
looker(funnel.key, 'conversion', 'Conversion', 'tile');
looker(marketing.key, 'draft_kpis', 'Draft KPIs', 'look', { usage: usage(null, 0) });
edges.push(
  { from: 'warehouse:analytics.marts.daily_revenue', to: 'looker:shared.finance.revenue.revenue_by_day', via: 'view daily_revenue' },
  { from: 'warehouse:analytics.raw.orders', to: 'looker:shared.finance.revenue.orders_today', via: 'view orders' },
  { from: 'warehouse:analytics.staging.stg_customers', to: 'looker:shared.finance.revenue.top_customers', via: 'explore-level' },
  { from: 'warehouse:analytics.raw.payments', to: 'looker:shared.finance.revenue.payments', via: 'view payments' },
  { from: 'warehouse:analytics.staging.stg_orders', to: 'looker:shared.finance.weekly_orders', via: 'view orders' },
  { from: 'warehouse:analytics.marts.funnel', to: 'looker:shared.marketing.funnel.conversion', via: 'view funnel' },
  { from: 'warehouse:analytics.raw.customers', to: 'looker:shared.marketing.draft_kpis', via: 'view customers' },
);
const bulk = container('lake', null, 'lake', 'connection');
const groups = Array.from({ length: 10 }, (_, i) => container('lake', bulk.key, `zone_${i}`, 'schema'));
for (let i = 0; i < BULK; i++) {
  const r = rnd();
  const st = r < 0.93 ? 'fresh' : r < 0.96 ? 'warn' : r < 0.98 ? 'error' : 'unknown';
  leaf('lake', groups[i % groups.length].key, `table_${String(i).padStart(5, '0')}`, 'table', st, { owner: i % 3 ? 'ops' : 'ana' });
}

const CONTAINER = new Set(['connection', 'database', 'schema', 'project', 'package', 'folder', 'dashboard']);
const CONSUMER = new Set(['tile', 'look', 'exposure']);
const BAD = new Set(['warn', 'error']);
const children = new Map();
for (const a of assets.values()) if (a.parent) (children.get(a.parent) ?? children.set(a.parent, []).get(a.parent)).push(a);
const leaves = [...assets.values()].filter((a) => !CONTAINER.has(a.kind));
// The children an asset's detail embeds: the first page of /api/v1/assets?parent=KEY (by name).
const childrenPage = (key, limit) => {
  const all = [...(children.get(key) ?? [])].sort((a, b) => a.name.localeCompare(b.name) || a.key.localeCompare(b.key));
  return {
    children: all.slice(0, limit).map(summaryOf),
    children_total: all.length,
    children_next_cursor: limit < all.length ? String(limit) : null,
    children_all: `/api/v1/assets?parent=${encodeURIComponent(key)}`,
  };
};
const upstreamOf = (key) => edges.filter((e) => e.to === key);
/** Every asset upstream of `key` through lineage. */
function upstreamAll(key) {
  const seen = new Set([key]);
  const queue = [key];
  while (queue.length) for (const e of upstreamOf(queue.shift())) if (!seen.has(e.from)) (seen.add(e.from), queue.push(e.from));
  seen.delete(key);
  return [...seen].map((k) => assets.get(k));
}
// Data time: the oldest change time that flows in through lineage (its own for an asset without inputs).
for (const a of leaves) {
  let best = a.changed_at ? a : null;
  for (const u of upstreamAll(a.key)) if (u.changed_at && (!best || Date.parse(u.changed_at) < Date.parse(best.changed_at))) best = u;
  a.data_time = best ? best.changed_at : null;
  a.data_time_from = best ? best.key : null;
}
// A consumer (tile, Look) is judged on its data time: late after 24 h, stale after 48 h.
for (const a of leaves) {
  if (!CONSUMER.has(a.kind)) continue;
  const age = a.data_time ? Math.round((NOW - Date.parse(a.data_time)) / 1000) : null;
  a.age_seconds = age;
  a.status = age == null ? 'unknown' : age < 86400 ? 'fresh' : age < 172800 ? 'warn' : 'error';
  a.reason = age == null ? 'no data time: no input has a change time' : `data from ${Math.round(age / 3600)} h ago; late after 24 h, stale after 48 h`;
  a.history = a.history.map((_, i) => (i === 89 ? a.status : i < 60 ? null : 'fresh'));
}
for (const a of leaves) a.impacted = upstreamAll(a.key).some((u) => BAD.has(u.status));
function counts(a) {
  const c = { fresh: 0, warn: 0, error: 0, unknown: 0, total: 0 };
  const walk = (x) => {
    for (const ch of children.get(x.key) ?? []) {
      if (CONTAINER.has(ch.kind)) walk(ch);
      else (c[ch.status]++, c.total++);
    }
  };
  if (CONTAINER.has(a.kind)) walk(a);
  else (c[a.status]++, c.total++);
  return c;
}
for (const a of assets.values()) {
  if (!CONTAINER.has(a.kind)) continue;
  a.counts = counts(a);
  a.status = a.counts.error ? 'error' : a.counts.warn ? 'warn' : a.counts.unknown ? 'unknown' : 'fresh';
  a.history = Array(90).fill(null);
  if (a.kind === 'dashboard') {
    // A dashboard shows the oldest data of its tiles.
    const oldest = (children.get(a.key) ?? []).filter((t) => t.data_time).sort((x, y) => Date.parse(x.data_time) - Date.parse(y.data_time))[0];
    a.data_time = oldest?.data_time ?? null;
    a.data_time_from = oldest?.data_time_from ?? null;
  }
}
/** The nearest late or stale assets upstream whose own inputs are fine: where the trouble starts. */
const rootCauses = (key) => (assets.get(key).impacted ? upstreamAll(key).filter((u) => BAD.has(u.status) && !u.impacted).map((u) => u.key) : []);
/** The lineage path from `key` up to `root` (both included), each hop saying how it links to the next. */
function rootPath(key, root) {
  const prev = new Map([[key, null]]);
  const queue = [key];
  while (queue.length && !prev.has(root)) {
    const k = queue.shift();
    for (const e of upstreamOf(k)) if (!prev.has(e.from)) (prev.set(e.from, { next: k, via: e.via }), queue.push(e.from));
  }
  const hops = [];
  for (let k = root, via = null; k; ) {
    const a = assets.get(k);
    hops.unshift({ key: a.key, name: a.name, kind: a.kind, status: a.status, via });
    const p = prev.get(k);
    if (!p) break;
    via = p.via;
    k = p.next;
  }
  return { root, hops };
}
// Incidents, as the server keeps them: one per root cause (late or stale at its source, not
// impacted by anything upstream; kind stale) and one per asset whose read fails on its own (kind
// unknown), each with everything downstream as its impact (a tile's dashboard too), a timeline and
// the deliveries to two channels; and one resolved a few days ago. Acknowledge and snooze change
// them in memory.
function downstreamAll(key) {
  const seen = new Set([key]);
  const queue = [key];
  while (queue.length) {
    const k = queue.shift();
    for (const e of edges) if (e.from === k && !seen.has(e.to)) (seen.add(e.to), queue.push(e.to));
  }
  seen.delete(key);
  for (const k of [...seen]) {
    const parent = assets.get(assets.get(k).parent);
    if (parent?.kind === 'dashboard') seen.add(parent.key);
  }
  return [...seen].sort();
}
const incidents = new Map();
function addIncident(root, kind, events, resolvedAt = null, rootNow = root) {
  const id = `${root.key}@${events[0].at * 1000}`;
  const impacted = downstreamAll(root.key);
  const timeline = events.map((e, n) => ({ sequence: n + 1, type: e.type, at: iso(e.at), status: e.status, impacted_count: impacted.length }));
  const deliveries = [];
  events.forEach((e, n) => {
    const base = `${id}/${n + 1}`;
    deliveries.push({ delivery_id: `${base}/data-team`, channel: 'data-team', attempt: 1, at: iso(e.at + 2e3), outcome: 'delivered', http_status: 200, error: null, next_attempt_at: null });
    if (n === 0) {
      deliveries.push({ delivery_id: `${base}/hooks`, channel: 'hooks', attempt: 1, at: iso(e.at + 2e3), outcome: 'failed', http_status: 503, error: 'HTTP 503 Service Unavailable', next_attempt_at: iso(e.at + 32e3) });
      deliveries.push({ delivery_id: `${base}/hooks`, channel: 'hooks', attempt: 2, at: iso(e.at + 32e3), outcome: 'delivered', http_status: 200, error: null, next_attempt_at: null });
    } else deliveries.push({ delivery_id: `${base}/hooks`, channel: 'hooks', attempt: 1, at: iso(e.at + 2e3), outcome: 'delivered', http_status: 204, error: null, next_attempt_at: null });
  });
  incidents.set(id, {
    id, kind, status: resolvedAt ? 'resolved' : 'open',
    root: { key: root.key, name: root.name, status: rootNow.status, changed_at: rootNow.changed_at, reason: rootNow.reason ?? '', owner: root.owner },
    impacted: { count: impacted.length, keys: impacted },
    opened_at: iso(events[0].at), resolved_at: resolvedAt ? iso(resolvedAt) : null, acknowledged_at: null, snoozed_until: null,
    last_notified_at: iso(events[events.length - 1].at + 2e3), timeline, deliveries, connection: root.connection,
  });
}
for (const a of leaves) {
  if (a.impacted) continue;
  if (BAD.has(a.status) && a.changed_at) {
    const changed = Date.parse(a.changed_at);
    const events = [{ type: 'incident.opened', at: changed + DAY, status: 'warn' }];
    if (a.status === 'error') events.push({ type: 'incident.updated', at: changed + 2 * DAY, status: 'error' }, { type: 'incident.reminder', at: changed + 2 * DAY + 4 * 3600e3, status: 'error' });
    addIncident(a, 'stale', events);
  } else if (a.status === 'unknown' && a.error) {
    addIncident(a, 'unknown', [{ type: 'incident.opened', at: NOW - 3600e3, status: 'unknown' }]);
  }
}
{
  const payments = assets.get('warehouse:analytics.raw.payments');
  const opened = NOW - 5 * DAY;
  addIncident(payments, 'stale', [
    { type: 'incident.opened', at: opened, status: 'warn' },
    { type: 'incident.resolved', at: opened + 12 * 3600e3, status: 'fresh' },
  ], opened + 12 * 3600e3);
}
// The last delivery of the worst open incident is still on its way.
{
  const first = incidents.get([...incidents.keys()].find((k) => k.startsWith('warehouse:analytics.raw.orders@')));
  const last = first.timeline[first.timeline.length - 1];
  const d = first.deliveries.find((x) => x.delivery_id === `${first.id}/${last.sequence}/hooks`);
  Object.assign(d, { outcome: 'pending', http_status: null, error: null, next_attempt_at: iso(NOW + 60e3) });
}
const incidentOf = ({ timeline, deliveries, connection, ...i }) => i;
const incidentDetailOf = ({ connection, ...i }) => i;

const summaryOf = (a) => {
  const { description, url, ...s } = a;
  return { ...s, counts: a.counts ?? counts(a) };
};

function tree(a) {
  return { key: a.key, name: a.name, kind: a.kind, status: a.status, counts: a.counts,
    children: (children.get(a.key) ?? []).filter((c) => CONTAINER.has(c.kind)).map(tree) };
}
function under(a, key) {
  for (let p = a.parent; p; p = assets.get(p)?.parent) if (p === key) return true;
  return false;
}
function history(a, days) {
  const out = [];
  for (let i = days - 1; i >= 0; i--) {
    const date = iso(NOW - i * DAY).slice(0, 10);
    const st = a.history[a.history.length - 1 - i] ?? null;
    const m = { fresh: 0, warn: 0, error: 0, unknown: 0 };
    if (st) {
      const total = i === 0 ? Math.round((NOW % DAY) / 60000) : 1440;
      const bad = st === 'fresh' ? 0 : Math.round(total * 0.4);
      m[st] = bad || total;
      if (bad) m.fresh = total - bad;
    }
    const base = a.age_seconds ?? 7200;
    const age = st ? (st === 'fresh' ? base * (0.5 + ((i * 7) % 10) / 10) : st === 'warn' ? 30 * 3600 : st === 'error' ? 60 * 3600 : null) : null;
    out.push({ date, has_data: !!st, status: st, minutes: m, age_seconds: age == null ? null : Math.round(age) });
  }
  return { key: a.key, timezone: 'Europe/Berlin', days: out };
}
function lineage(key, depth) {
  const keep = new Set([key]);
  const walk = (k, d, dir) => {
    if (d === 0) return;
    for (const e of edges) {
      const next = dir > 0 ? (e.from === k ? e.to : null) : (e.to === k ? e.from : null);
      if (next && !keep.has(next)) (keep.add(next), walk(next, d - 1, dir));
      else if (next) walk(next, d - 1, dir);
    }
  };
  walk(key, depth, 1);
  walk(key, depth, -1);
  const es = edges.filter((e) => keep.has(e.from) && keep.has(e.to));
  return { nodes: [...keep].map((k) => summaryOf(assets.get(k))), edges: es, root_causes: rootCauses(key) };
}

const sessions = new Set();
const problem = (res, status, title, detail) => send(res, status, { type: 'about:blank', title, status, detail }, 'application/problem+json');
function send(res, status, body, type = 'application/json', headers = {}) {
  res.writeHead(status, { 'Content-Type': type, ...headers });
  res.end(body === undefined ? undefined : JSON.stringify(body));
}
const sessionOf = (req) => /(?:^|;\s*)fw_session=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
const readBody = (req) => new Promise((r) => { let b = ''; req.on('data', (c) => (b += c)); req.on('end', () => r(b)); });

const server = createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  const p = url.pathname;
  if (p === '/healthz' || p === '/readyz') return send(res, 200, { status: 'ok' });
  if (!p.startsWith('/api/')) {
    const file = normalize(join(DIST, p === '/' ? 'index.html' : p));
    try {
      const body = await readFile(file.startsWith(DIST) ? file : join(DIST, 'index.html'));
      const types = { '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.html': 'text/html' };
      res.writeHead(200, { 'Content-Type': types[extname(file)] ?? 'application/octet-stream' });
      return res.end(body);
    } catch {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      return res.end(await readFile(join(DIST, 'index.html')).catch(() => 'build web/ first'));
    }
  }
  if (p === '/api/v1/session' && req.method === 'POST') {
    const b = JSON.parse((await readBody(req)) || '{}');
    if (b.username === 'demo' && b.password === 'demo') {
      const id = Math.random().toString(36).slice(2);
      sessions.add(id);
      return send(res, 204, undefined, 'application/json', { 'Set-Cookie': `fw_session=${id}; HttpOnly; SameSite=Strict; Path=/` });
    }
    return problem(res, 401, 'Unauthorized', 'wrong user name or password');
  }
  if (!sessions.has(sessionOf(req))) return problem(res, 401, 'Unauthorized', 'sign in first: POST /api/v1/session, or send Authorization: Bearer <token>');
  if (p === '/api/v1/session' && req.method === 'DELETE') {
    sessions.delete(sessionOf(req));
    return send(res, 204, undefined, 'application/json', { 'Set-Cookie': 'fw_session=; Max-Age=0; Path=/' });
  }
  if (p === '/api/v1/session') return send(res, 200, { user: 'demo', role: 'admin', method: 'session' });
  if (p === '/api/v1/openapi.yaml') {
    res.writeHead(200, { 'Content-Type': 'application/yaml' });
    return res.end(await readFile(new URL('../../docs/openapi.yaml', import.meta.url)));
  }
  if (p === '/api/v1/summary') {
    const c = { fresh: 0, warn: 0, error: 0, unknown: 0, total: 0 };
    for (const a of leaves) (c[a.status]++, c.total++);
    const stale = c.warn + c.error;
    return send(res, 200, {
      generated_at: iso(NOW - 90e3), version: 1, timezone: 'Europe/Berlin',
      overall: c.error ? 'error' : c.warn ? 'warn' : c.unknown ? 'unknown' : 'fresh',
      message: stale ? `${stale} assets stale` : 'All data fresh', counts: c,
      impacted: leaves.filter((a) => a.impacted).length,
      connections: [
        { name: 'warehouse', type: 'postgres', last_run: iso(NOW - 60e3), last_success: iso(NOW - 60e3), next_run: iso(NOW + 240e3), error: null, asset_count: leaves.filter((a) => a.connection === 'warehouse').length,
          warnings: [`stale artifacts: manifest.json is not valid JSON (TAPE_ERROR: The JSON document has an improper structure); serving the state read at ${iso(NOW - 7200e3)}`] },
        { name: 'looker', type: 'looker', last_run: iso(NOW - 120e3), last_success: iso(NOW - 120e3), next_run: iso(NOW + 780e3), error: null,
          asset_count: leaves.filter((a) => a.connection === 'looker').length, warnings: [] },
        { name: 'lake', type: 'sqlite', last_run: iso(NOW - 60e3), last_success: iso(NOW - 3600e3), next_run: iso(NOW + 240e3), error: 'database is locked', asset_count: BULK, warnings: [] },
      ],
    });
  }
  if (p === '/api/v1/tree') return send(res, 200, { nodes: [...assets.values()].filter((a) => a.kind === 'connection').map(tree) });
  if (p === '/api/v1/assets') {
    const q = url.searchParams;
    let list = q.get('parent') ? children.get(q.get('parent')) ?? [] : [...assets.values()];
    if (q.get('leaves') === 'true') list = list.filter((a) => !CONTAINER.has(a.kind));
    if (q.get('kind')) list = list.filter((a) => q.get('kind').split(',').includes(a.kind));
    if (q.get('connection')) list = list.filter((a) => q.get('connection').split(',').includes(a.connection));
    if (q.get('under')) list = list.filter((a) => under(a, q.get('under')));
    if (q.get('status')) list = list.filter((a) => q.get('status').split(',').includes(a.status));
    if (q.get('owner')) list = list.filter((a) => a.owner === q.get('owner'));
    if (q.get('tag')) list = list.filter((a) => a.tags.includes(q.get('tag')));
    if (q.get('impacted') === 'true') list = list.filter((a) => a.impacted);
    if (q.get('unused_days')) {
      const before = NOW - Number(q.get('unused_days')) * DAY;
      list = list.filter((a) => a.usage && (!a.usage.last_accessed_at || Date.parse(a.usage.last_accessed_at) < before));
    }
    if (q.get('q')) list = list.filter((a) => a.key.toLowerCase().includes(q.get('q').toLowerCase()));
    const sort = q.get('sort') ?? 'name';
    const age = (a) => a.age_seconds ?? -1;
    const cmp = sort.endsWith('name') ? (a, b) => a.name.localeCompare(b.name) || a.key.localeCompare(b.key) : (a, b) => age(b) - age(a) || a.key.localeCompare(b.key);
    list = [...list].sort(sort.startsWith('-') ? (a, b) => cmp(b, a) : cmp);
    const limit = Math.min(1000, Number(q.get('limit') ?? 100));
    const start = Number(q.get('cursor') ?? 0);
    const items = list.slice(start, start + limit).map(summaryOf);
    return send(res, 200, { items, next_cursor: start + limit < list.length ? String(start + limit) : null, total: list.length });
  }
  const m = /^\/api\/v1\/assets\/([^/]+)(\/history|\/lineage)?$/.exec(p);
  if (m) {
    const key = decodeURIComponent(m[1]);
    const a = assets.get(key);
    if (!a) return problem(res, 404, 'Not Found', `no asset '${key}'; list assets with GET /api/v1/assets`);
    if (m[2] === '/history') return send(res, 200, history(a, Math.min(365, Number(url.searchParams.get('days') ?? 90))));
    if (m[2] === '/lineage') return send(res, 200, lineage(key, Number(url.searchParams.get('depth') ?? 3)));
    const ancestors = [];
    for (let x = assets.get(a.parent); x; x = assets.get(x.parent)) ancestors.unshift({ key: x.key, name: x.name, kind: x.kind });
    return send(res, 200, {
      asset: { ...summaryOf(a), description: a.description, url: a.url },
      policy: { name: 'hourly-loads', origin: 'freshwatch.yml:12', rule: { type: 'threshold', warn_after_seconds: 86400, error_after_seconds: 172800 } },
      observations: a.signal ? [
        { signal: 'pg_stat_user_tables', observed_at: iso(NOW - 60e3), changed_at: a.changed_at, evidence: 'n_tup_ins+n_tup_upd+n_tup_del changed (41 822 → 41 907)', row_count: 41907, error: null, decided: true },
        { signal: 'max(updated_at)', observed_at: iso(NOW - 60e3), changed_at: a.changed_at, evidence: 'max(updated_at) = ' + a.changed_at, row_count: null, error: null, decided: false },
      ] : [{ signal: 'pg_stat_user_tables', observed_at: iso(NOW - 60e3), changed_at: null, evidence: null, row_count: null, error: a.error, decided: true }],
      intervals: [
        { status: 'fresh', from: iso(NOW - 20 * DAY), to: iso(NOW - 3 * DAY), reason: 'changed within 6 h' },
        ...(a.status !== 'fresh' ? [{ status: a.status, from: iso(NOW - 3 * DAY), to: null, reason: a.reason }] : []),
      ],
      ancestors,
      ...childrenPage(key, Math.min(1000, Number(url.searchParams.get('children_limit') ?? 100))),
      root_causes: rootCauses(key).map((k) => summaryOf(assets.get(k))),
      root_paths: rootCauses(key).map((k) => rootPath(key, k)),
      upstream: edges.filter((e) => e.to === key).map((e) => summaryOf(assets.get(e.from))),
      downstream: edges.filter((e) => e.from === key).map((e) => summaryOf(assets.get(e.to))),
    });
  }
  if (p === '/api/v1/incidents') {
    const q = url.searchParams;
    const state = q.get('state') ?? 'any';
    const limit = Number(q.get('limit') ?? 100);
    if (!['open', 'resolved', 'any'].includes(state)) return problem(res, 400, 'Bad Request', `state must be open, resolved or any, not '${state}'`);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return problem(res, 400, 'Bad Request', 'limit must be a whole number from 1 to 1000');
    let list = [...incidents.values()];
    if (state !== 'any') list = list.filter((i) => i.status === state);
    if (q.get('status')) list = list.filter((i) => i.root.status === q.get('status'));
    if (q.get('owner')) list = list.filter((i) => i.root.owner === q.get('owner'));
    if (q.get('connection')) list = list.filter((i) => i.connection === q.get('connection'));
    list.sort((a, b) => (a.status === b.status ? 0 : a.status === 'open' ? -1 : 1) || Date.parse(b.opened_at) - Date.parse(a.opened_at) || a.id.localeCompare(b.id));
    return send(res, 200, { items: list.slice(0, limit).map(incidentOf) });
  }
  const im = /^\/api\/v1\/incidents\/([^/]+)(\/acknowledge|\/snooze)?$/.exec(p);
  if (im) {
    const id = decodeURIComponent(im[1]);
    const i = incidents.get(id);
    if (!i) return problem(res, 404, 'Not Found', `no incident '${id}'; list incidents with GET /api/v1/incidents`);
    if (!im[2] && req.method === 'GET') return send(res, 200, incidentDetailOf(i));
    if (im[2] && req.method === 'POST') {
      if (im[2] === '/acknowledge') i.acknowledged_at ??= iso(Date.now());
      else {
        let until;
        try {
          until = JSON.parse((await readBody(req)) || '{}').until;
        } catch {
          return problem(res, 400, 'Bad Request', 'the body must be JSON: {"until": "<ISO 8601 time>"}');
        }
        if (typeof until !== 'string' || Number.isNaN(Date.parse(until))) return problem(res, 400, 'Bad Request', 'until must be an ISO 8601 time');
        i.snoozed_until = iso(Date.parse(until));
      }
      return send(res, 200, incidentOf(i));
    }
    return problem(res, 405, 'Method Not Allowed', `${req.method} ${p} is not supported`);
  }
  return problem(res, 404, 'Not Found', `no route ${p}`);
});
server.listen(PORT, '127.0.0.1', () => console.log(`fake freshwatch API on http://127.0.0.1:${server.address().port} (${leaves.length} assets)`));
