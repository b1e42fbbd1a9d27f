// A local Looker API 4.0 server for tests, following the published specification
// (../shared/testdata/looker/Looker.4.0.oas.json): form-body login with client_id and
// client_secret, `Authorization: token ...`, tokens that expire and can be revoked, string ids,
// `fields=` with nesting, search endpoints paged by limit/offset with soft-deleted content
// filtered by `deleted`, dashboards with elements (query, Look and merged-results tiles, text
// tiles) and filters, Looks, queries, merge queries, explores, connections, and SQL generated
// from a small LookML model the way Looker does it: only the joins a query needs (its fields,
// filters and sorts, required_joins and the joins needed to reach them), derived tables as
// common table expressions, persistent derived tables as LR$ tables in the scratch schema.
// Without see_sql, run/sql answers 403. Injected failures: 429 with Retry-After, any status,
// or no answer at all, per path; tokens that are issued and then refused (a disabled user).
//
// Time: the server counts the seconds it told clients to wait (Retry-After) as time passed, so
// a token with a short expires_in expires while a client waits, without the test sleeping.
//
// Usage: node looker_server.js CONFIG.json
// CONFIG: {port, cert, key, state, events, client_id, client_secret, gzr}
// `state` is re-read on every request; `gzr` is a dashboard export in API 4.0 shape added as
// content when it exists. `events` gets one JSON line per request.
'use strict';
const fs = require('fs');
const https = require('https');

const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));

function event(e) { fs.appendFileSync(config.events, JSON.stringify(e) + '\n'); }

// ---- State, and what a new generation resets ----

let generation = null;
let counters = {};
let tokens = new Map();  // token -> issued at (virtual seconds)
let tokenCount = 0;
let virtualNow = 0;
let authenticated = 0;
let revoked = false;

function state() {
  const st = JSON.parse(fs.readFileSync(config.state, 'utf8'));
  if (st.generation !== generation) {
    generation = st.generation;
    counters = {};
    tokens = new Map();
    virtualNow = 0;
    authenticated = 0;
    revoked = false;
  }
  addGzr(st);
  return st;
}

// The real dashboard export: its queries, its Looks and the dashboard itself.
function addGzr(st) {
  if (!st.gzr || !config.gzr || !fs.existsSync(config.gzr)) return;
  const d = JSON.parse(fs.readFileSync(config.gzr, 'utf8'));
  st.queries = st.queries || {};
  st.looks = st.looks || [];
  for (const e of d.dashboard_elements) {
    if (e.query) st.queries[e.query.id] = e.query;
    if (e.look) {
      if (e.look.query) st.queries[e.look.query.id] = e.look.query;
      if (!st.looks.some((l) => l.id === e.look.id)) {
        const look = Object.assign({}, e.look);
        delete look.query;
        look.view_count = 3;
        look.last_viewed_at = '2026-11-20T08:00:00.000+00:00';
        st.looks.push(look);
      }
    }
  }
  st.dashboards = (st.dashboards || []).filter((x) => x.id !== d.id);
  st.dashboards.push(Object.assign({view_count: 42, last_viewed_at: '2026-11-25T09:30:00.000+00:00',
    last_accessed_at: '2026-11-25T09:31:00.000+00:00'}, d));
}

// ---- HTTP helpers ----

function send(res, status, body, headers) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, Object.assign({
    'Content-Type': typeof body === 'string' ? 'text/plain' : 'application/json',
    'Content-Length': Buffer.byteLength(text)}, headers || {}));
  res.end(text);
}
const docs = 'https://docs.cloud.google.com/looker/docs/r/api';
const error = (message) => ({message, documentation_url: docs});

// fields=id,title,dashboard_elements(id,query(id,model)) as a tree.
function parseFields(s) {
  let i = 0;
  function list() {
    const out = {};
    while (i < s.length) {
      const m = /^[A-Za-z0-9_]+/.exec(s.slice(i));
      if (!m) break;
      i += m[0].length;
      let sub = null;
      if (s[i] === '(') { i++; sub = list(); if (s[i] === ')') i++; }
      out[m[0]] = sub;
      if (s[i] === ',') { i++; continue; }
      break;
    }
    return out;
  }
  return list();
}
function applyFields(v, tree) {
  if (tree == null || v == null) return v;
  if (Array.isArray(v)) return v.map((x) => applyFields(x, tree));
  if (typeof v !== 'object') return v;
  const o = {};
  for (const k of Object.keys(tree)) o[k] = k in v ? applyFields(v[k], tree[k]) : null;
  return o;
}

// ---- SQL as Looker generates it ----

const isMeasure = (name) => /count$/.test(name) || /^(total|lifetime|average_\w+)$/.test(name);

function quoteValue(v) { return "'" + String(v).replace(/'/g, "''") + "'"; }

function generateSql(st, query) {
  const model = (st.models || {})[query.model];
  if (!model) return {status: 404, body: error('model not found')};
  const explore = model.explores[query.view];
  if (!explore) return {status: 404, body: error('explore not found')};
  const connection = st.connections[model.connection];
  const baseAlias = query.view;
  const baseView = explore.view || query.view;
  const joins = explore.joins || [];
  const joinByName = Object.fromEntries(joins.map((j) => [j.name, j]));
  const needed = new Set();
  const refs = [].concat(query.fields || [], Object.keys(query.filters || {}), query.sorts || [],
    query.pivots || []);
  for (const f of refs) needed.add(String(f).split(' ')[0].split('.')[0]);
  for (const j of explore.always_join || []) needed.add(j);
  // Joins needed to reach the needed ones.
  let grew = true;
  while (grew) {
    grew = false;
    for (const name of Array.from(needed)) {
      const j = joinByName[name];
      if (!j) continue;
      const deps = (j.required_joins || []).concat(
        Array.from(String(j.sql_on || '').matchAll(/\$\{(\w+)\.\w+\}/g), (m) => m[1]));
      for (const d of deps) if (!needed.has(d)) { needed.add(d); grew = true; }
    }
  }
  const ctes = [];
  const tableOf = (viewName, alias) => {
    const v = model.views[viewName];
    if (v.persist) {
      return `${connection.tmp_db_name}.LR$5PYSF${v.build || '1586211411658'}_${viewName}`;
    }
    if (v.derived_sql) {
      if (!ctes.some((c) => c.name === viewName)) ctes.push({name: viewName, sql: v.derived_sql});
      return viewName;
    }
    return v.sql_table_name;
  };
  const sqlOn = (s) => String(s).replace(/\$\{(\w+)\.(\w+)\}/g, '$1.$2');
  const lines = [];
  const selects = (query.fields || []).map((f) => {
    const [alias, name] = f.split('.');
    const column = /count$/.test(name) ? `COUNT(DISTINCT ${alias}.id)`
      : isMeasure(name) ? `SUM(${alias}.${name})` : `${alias}.${name}`;
    return `    ${column}  AS "${f}"`;
  });
  const from = [`FROM ${tableOf(baseView, baseAlias)} AS ${baseAlias}`];
  for (const j of joins) {
    if (!needed.has(j.name)) continue;
    const table = j.sql_table_name || tableOf(j.from || j.name, j.name);
    from.push(`${(j.type || 'left_outer') === 'inner' ? 'INNER' : 'LEFT'} JOIN ${table} AS ${j.name} ON ${sqlOn(j.sql_on)}`);
  }
  if (ctes.length) lines.push('WITH ' + ctes.map((c) => `${c.name} AS (${c.sql})`).join('\n,'));
  lines.push('SELECT');
  lines.push(selects.join(',\n'));
  lines.push(...from);
  const where = Object.entries(query.filters || {}).map(([f, v]) => `(${f}) = ${quoteValue(v)}`);
  if (where.length) lines.push('WHERE ' + where.join(' AND '));
  const dims = (query.fields || []).filter((f) => !isMeasure(f.split('.')[1]));
  if (dims.length) lines.push('GROUP BY ' + dims.map((_, i) => i + 1).join(','));
  lines.push(`LIMIT ${query.limit || 500}`);
  return {status: 200, body: lines.join('\n')};
}

function exploreBody(st, modelName, exploreName) {
  const model = (st.models || {})[modelName];
  const explore = model && model.explores[exploreName];
  if (!explore) return null;
  const connection = st.connections[model.connection];
  const baseView = explore.view || exploreName;
  const base = model.views[baseView];
  return {
    id: `${modelName}::${exploreName}`, name: exploreName, model_name: modelName,
    label: exploreName, description: null, hidden: false,
    connection_name: model.connection, dialect_name: connection.dialect_name,
    view_name: baseView,
    sql_table_name: base.sql_table_name ? `${base.sql_table_name} AS ${exploreName}` : null,
    source_file: `${modelName}.model.lkml`, project_name: 'freshwatch_test',
    joins: (explore.joins || []).map((j) => ({
      name: j.name, from: j.from || null, sql_on: j.sql_on || null, relationship: 'many_to_one',
      type: j.type || 'left_outer', required_joins: j.required_joins || null,
      sql_table_name: j.sql_table_name || null, view_label: null, fields: null,
      dependent_fields: [], foreign_key: null, outer_only: false, sql_foreign_key: null})),
    always_join: explore.always_join || [],
    fields: {dimensions: [], measures: [], filters: [], parameters: []},
  };
}

// ---- Requests ----

function authorize(req, st, res, path) {
  const auth = req.headers['authorization'] || '';
  const m = /^token (.+)$/.exec(auth);
  let reason = null;
  if (!m) reason = 'no token';
  else if (st.reject_tokens) reason = 'the user was disabled';
  else if (!tokens.has(m[1])) reason = 'unknown or revoked token';
  else if (virtualNow - tokens.get(m[1]) >= (st.token_ttl || 3600)) reason = 'expired token';
  if (reason) {
    event({type: 'unauthorized', path, reason});
    send(res, 401, error('Requires authentication.'));
    return false;
  }
  authenticated++;
  if (st.revoke_after && authenticated === st.revoke_after && !revoked) {
    revoked = true;
    tokens = new Map();
  }
  if (!tokens.has(m[1])) {
    event({type: 'unauthorized', path, reason: 'revoked'});
    send(res, 401, error('Requires authentication.'));
    return false;
  }
  return true;
}

function search(items, url) {
  let out = items.slice();
  const deleted = url.searchParams.get('deleted');
  if (deleted !== null) out = out.filter((x) => String(!!x.deleted) === deleted);
  out.sort((a, b) => Number(a.id) - Number(b.id));
  const limit = Number(url.searchParams.get('limit') || 0);
  const offset = Number(url.searchParams.get('offset') || 0);
  return limit ? out.slice(offset, offset + limit) : out.slice(offset);
}

function handle(req, res, body) {
  const url = new URL(req.url, 'https://localhost');
  const path = url.pathname;
  const st = state();
  const fields = url.searchParams.get('fields');
  event({type: 'request', method: req.method, path, fields, limit: url.searchParams.get('limit'),
    offset: url.searchParams.get('offset'), deleted: url.searchParams.get('deleted'),
    content_type: req.headers['content-type'] || null, body: req.method === 'POST' && path !== '/api/4.0/login' ? body : undefined});

  for (const rule of st.throttle || []) {
    if (!new RegExp(rule.path).test(path)) continue;
    const key = 'throttle:' + rule.path;
    counters[key] = (counters[key] || 0) + 1;
    if (counters[key] <= rule.count) {
      virtualNow += rule.retry_after;
      event({type: 'throttled', path});
      return send(res, 429, error('Too Many Requests'), {'Retry-After': String(rule.retry_after)});
    }
  }
  const injected = (st.fail || {})[path];
  if (injected === 'hang') { event({type: 'hang', path}); return; }
  if (injected) return send(res, injected, error('Internal server error (injected)'));

  if (req.method === 'POST' && path === '/api/4.0/login') {
    if (url.searchParams.has('client_id') || url.searchParams.has('client_secret'))
      return send(res, 400, error('Pass client_id and client_secret in the body'));
    if (!/^application\/x-www-form-urlencoded/.test(req.headers['content-type'] || ''))
      return send(res, 400, error('Expected a form body'));
    const form = new URLSearchParams(body);
    if (form.get('client_id') !== config.client_id || form.get('client_secret') !== config.client_secret) {
      event({type: 'login_refused'});
      return send(res, 404, error('Not found'));
    }
    const token = `tok-${++tokenCount}-${Math.random().toString(36).slice(2)}`;
    tokens.set(token, virtualNow);
    event({type: 'login', token_number: tokenCount});
    return send(res, 200, {access_token: token, token_type: 'Bearer', expires_in: st.token_ttl || 3600,
      refresh_token: null});
  }
  if (!authorize(req, st, res, path)) return;

  const json = (value) => {
    if (fields === null) event({type: 'no_fields', path});
    return send(res, 200, applyFields(value, fields ? parseFields(fields) : null));
  };
  let m;
  if (req.method === 'GET' && path === '/api/4.0/folders') return json(st.folders || []);
  if (req.method === 'GET' && path === '/api/4.0/dashboards/search')
    return json(search(st.dashboards || [], url));
  if (req.method === 'GET' && path === '/api/4.0/looks/search') return json(search(st.looks || [], url));
  if (req.method === 'GET' && (m = /^\/api\/4\.0\/dashboards\/([^/]+)$/.exec(path))) {
    const d = (st.dashboards || []).find((x) => x.id === decodeURIComponent(m[1]));
    return d ? json(d) : send(res, 404, error('Not found'));
  }
  if (req.method === 'GET' && (m = /^\/api\/4\.0\/queries\/([^/]+)\/run\/sql$/.exec(path))) {
    const q = (st.queries || {})[decodeURIComponent(m[1])];
    if (!q) return send(res, 404, error('Not found'));
    if (st.see_sql === false) return send(res, 403, error('You do not have permission to see SQL for this query.'));
    const sql = generateSql(st, q);
    return send(res, sql.status, sql.body);
  }
  if (req.method === 'POST' && path === '/api/4.0/queries/run/sql') {
    if (st.see_sql === false) return send(res, 403, error('You do not have permission to see SQL for this query.'));
    let q;
    try { q = JSON.parse(body); } catch (e) { return send(res, 400, error('bad JSON')); }
    const sql = generateSql(st, q);
    return send(res, sql.status, sql.body);
  }
  if (req.method === 'GET' && (m = /^\/api\/4\.0\/queries\/([^/]+)$/.exec(path))) {
    const q = (st.queries || {})[decodeURIComponent(m[1])];
    return q ? json(q) : send(res, 404, error('Not found'));
  }
  if (req.method === 'GET' && (m = /^\/api\/4\.0\/merge_queries\/([^/]+)$/.exec(path))) {
    const q = (st.merge_queries || {})[decodeURIComponent(m[1])];
    return q ? json(Object.assign({id: decodeURIComponent(m[1])}, q)) : send(res, 404, error('Not found'));
  }
  if (req.method === 'GET' && (m = /^\/api\/4\.0\/lookml_models\/([^/]+)\/explores\/([^/]+)$/.exec(path))) {
    const x = exploreBody(st, decodeURIComponent(m[1]), decodeURIComponent(m[2]));
    return x ? json(x) : send(res, 404, error('Not found'));
  }
  if (req.method === 'GET' && (m = /^\/api\/4\.0\/connections\/([^/]+)$/.exec(path))) {
    const name = decodeURIComponent(m[1]);
    if ((st.connection_forbidden || []).includes(name)) return send(res, 403, error('Forbidden'));
    const c = (st.connections || {})[name];
    return c ? json(Object.assign({name, has_password: true, pdts_enabled: !!c.tmp_db_name}, c))
      : send(res, 404, error('Not found'));
  }
  return send(res, 404, error('Not found'));
}

const server = https.createServer({key: fs.readFileSync(config.key), cert: fs.readFileSync(config.cert)}, (req, res) => {
  let body = '';
  req.on('data', (c) => { body += c; });
  req.on('end', () => {
    try { handle(req, res, body); } catch (e) { send(res, 500, error(String(e && e.stack || e))); }
  });
});
server.listen(config.port, '127.0.0.1', () => event({type: 'listening', port: config.port}));
// Requests left hanging on purpose must not hold up the exit.
process.on('SIGTERM', () => process.exit(0));
