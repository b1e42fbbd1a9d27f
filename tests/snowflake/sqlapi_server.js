// A local Snowflake SQL API v2 server for tests, following the published specification
// (../shared/testdata/snowflake/sqlapi.yaml): key-pair JWT checked with the configured public
// key (RS256, iss/sub/iat/exp), OAuth and programmatic access tokens, 202 answers polled by
// statementHandle, results split into partitions, injected 429/503 answers, 422 errors, cells
// encoded as Snowflake encodes them (jsonv2), and cancellation.
//
// Usage: node sqlapi_server.js CONFIG.json
// CONFIG: {port, cert, key, public_key, account, user, token, now, state, events}
// `state` is a JSON file re-read on every statement, so a test changes the warehouse between
// collections; `events` is a file the server appends one JSON line per notable event to.
'use strict';
const fs = require('fs');
const https = require('https');
const crypto = require('crypto');

const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const publicKey = crypto.createPublicKey(fs.readFileSync(config.public_key));
const fingerprint = 'SHA256:' + crypto.createHash('sha256')
  .update(publicKey.export({type: 'spki', format: 'der'})).digest('base64');

let postCount = 0;
let handleCount = 0;
const statements = new Map();  // handle -> {rows, columns, pollsLeft, hang, partitionSize}

function event(e) { fs.appendFileSync(config.events, JSON.stringify(e) + '\n'); }
let generation = null;
// The state; a new generation (a test's new warehouse) restarts the injected failures.
function state() {
  const st = JSON.parse(fs.readFileSync(config.state, 'utf8'));
  if (st.generation !== generation) { generation = st.generation; postCount = 0; }
  return st;
}

function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, {'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text)});
  res.end(text);
}

function b64urlDecode(s) { return Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64'); }

// Returns an error message, or null when the request is authorized.
function checkAuth(req) {
  const auth = req.headers['authorization'] || '';
  const type = req.headers['x-snowflake-authorization-token-type'] || 'OAUTH';
  if (!auth.startsWith('Bearer ')) return 'missing bearer token';
  const token = auth.slice(7);
  if (type === 'OAUTH' || type === 'PROGRAMMATIC_ACCESS_TOKEN') {
    if (!config.token || token !== config.token) return 'Invalid OAuth access token.';
    if (config.token_type && type !== config.token_type) return 'token type mismatch';
    return null;
  }
  if (type !== 'KEYPAIR_JWT') return 'unknown token type ' + type;
  const parts = token.split('.');
  if (parts.length !== 3) return 'JWT token is invalid.';
  let header, claims;
  try {
    header = JSON.parse(b64urlDecode(parts[0]).toString());
    claims = JSON.parse(b64urlDecode(parts[1]).toString());
  } catch (e) { return 'JWT token is invalid.'; }
  if (header.alg !== 'RS256') return 'JWT token is invalid: alg';
  const ok = crypto.verify('RSA-SHA256', Buffer.from(parts[0] + '.' + parts[1]), publicKey, b64urlDecode(parts[2]));
  if (!ok) return 'JWT token is invalid. [signature does not match the registered public key]';
  const subject = config.account + '.' + config.user;
  if (claims.sub !== subject) return `JWT token is invalid. [sub ${claims.sub} is not ${subject}]`;
  if (claims.iss !== subject + '.' + fingerprint) return `JWT token is invalid. [iss ${claims.iss}]`;
  const now = config.now;
  if (!(claims.iat <= now + 60)) return 'JWT token is invalid. [iat in the future]';
  if (!(claims.exp > now)) return 'JWT token is invalid. [expired]';
  if (claims.exp - claims.iat > 3600) return 'JWT token is invalid. [lifetime over one hour]';
  return null;
}

const epoch = (iso) => (Date.parse(iso) / 1000).toFixed(9);
const ltz = (iso) => iso == null ? null : epoch(iso);
const num = (n) => n == null ? null : String(n);
const col = (name, type, scale) => ({name, database: '', schema: '', table: '', nullable: true,
  type, scale: scale === undefined ? null : scale, precision: type === 'fixed' ? 38 : null,
  length: null, byteLength: null, collation: null});

// Encodes one max() result value as Snowflake does for its type.
function encodeValue(type, value) {
  if (value == null) return null;
  switch (type) {
    case 'timestamp_ltz': return epoch(value);
    case 'timestamp_ntz': return epoch(value.replace(/Z?$/, 'Z'));  // wall clock as if UTC
    case 'timestamp_tz': return epoch(value.instant) + ' ' + String(value.offset_minutes + 1440);
    case 'date': return String(Math.round(Date.parse(value + 'T00:00:00Z') / 86400000));
    default: return String(value);
  }
}

function tableColumns(st, wantDdl, wantDynamic) {
  const cols = [col('TABLE_CATALOG', 'text'), col('TABLE_SCHEMA', 'text'), col('TABLE_NAME', 'text'),
    col('TABLE_TYPE', 'text'), col('CREATED', 'timestamp_ltz', 9), col('LAST_ALTERED', 'timestamp_ltz', 9),
    col('ROW_COUNT', 'fixed', 0), col('BYTES', 'fixed', 0)];
  if (wantDdl) cols.push(col('LAST_DDL', 'timestamp_ltz', 9));
  if (wantDynamic) cols.push(col('IS_DYNAMIC', 'text'));
  return cols;
}

function tableRows(db, tables, wantDdl, wantDynamic) {
  return tables.map((t) => {
    const r = [db, t.schema, t.name, t.type || 'BASE TABLE', ltz(t.created), ltz(t.last_altered),
      num(t.rows), num(t.bytes)];
    if (wantDdl) r.push(ltz(t.last_ddl));
    if (wantDynamic) r.push(t.dynamic ? 'YES' : 'NO');
    return r;
  });
}

// Runs a statement against the state: {columns, rows} or {error: {status, code, sqlState, message}}.
function run(sql, st) {
  let m;
  const invalid = (name) => ({error: {status: 422, code: '000904', sqlState: '42000',
    message: `SQL compilation error: error line 1 at position 7\ninvalid identifier '${name}'`}});
  if (/^SHOW TERSE DATABASES$/.test(sql)) {
    return {columns: [col('created_on', 'timestamp_ltz', 3), col('name', 'text'), col('kind', 'text')],
      rows: Object.keys(st.databases).map((d) => ['1704067200.000', d, 'STANDARD'])};
  }
  if ((m = /^SHOW DYNAMIC TABLES IN DATABASE "(.+)"$/.exec(sql)) || /^SHOW DYNAMIC TABLES IN ACCOUNT$/.test(sql)) {
    const dbs = m ? [m[1]] : Object.keys(st.databases);
    const rows = [];
    for (const d of dbs) for (const t of (st.databases[d].tables || [])) if (t.dynamic)
      rows.push([t.name, d, t.schema, ltz(t.data_timestamp), t.refresh_mode || 'INCREMENTAL', num(t.rows)]);
    return {columns: [col('name', 'text'), col('database_name', 'text'), col('schema_name', 'text'),
      col('data_timestamp', 'timestamp_ltz', 3), col('refresh_mode', 'text'), col('rows', 'fixed', 0)], rows};
  }
  const wantDdl = /LAST_DDL/.test(sql), wantDynamic = /IS_DYNAMIC/.test(sql);
  if ((m = /FROM "(.+)"\.INFORMATION_SCHEMA\.TABLES/.exec(sql))) {
    const db = m[1];
    if (wantDdl && st.no_last_ddl) return invalid('LAST_DDL');
    if (!st.databases[db] || st.databases[db].fail)
      return {error: {status: 422, code: '002003', sqlState: '02000',
        message: `SQL compilation error:\nDatabase '${db}' does not exist or not authorized.`}};
    return {columns: tableColumns(st, wantDdl, wantDynamic),
      rows: tableRows(db, st.databases[db].tables || [], wantDdl, wantDynamic), slow: st.databases[db].slow,
      hang: st.databases[db].hang};
  }
  if (/FROM SNOWFLAKE\.ACCOUNT_USAGE\.TABLES WHERE DELETED IS NULL/.test(sql)) {
    let rows = [];
    for (const [db, d] of Object.entries(st.databases)) if (!d.fail)
      rows = rows.concat(tableRows(db, d.tables || [], wantDdl, wantDynamic));
    return {columns: tableColumns(st, wantDdl, wantDynamic), rows};
  }
  if ((m = /^SELECT MAX\((.+)\) FROM "(.+)"\."(.+)"\."(.+)"(?: WHERE \((.*)\))?$/.exec(sql))) {
    const key = `${m[2]}.${m[3]}.${m[4]}`;
    const spec = (st.max || {})[key];
    if (!spec || spec.field !== m[1]) return invalid(m[1].toUpperCase());
    if (spec.filter !== undefined && spec.filter !== (m[5] || '')) return invalid('FILTER');
    return {columns: [col(`MAX(${m[1].toUpperCase()})`, spec.type, 9)], rows: [[encodeValue(spec.type, spec.value)]]};
  }
  return {error: {status: 422, code: '001003', sqlState: '42000', message: `SQL compilation error: syntax error (test server does not know: ${sql})`}};
}

function resultBody(handle, s, partition) {
  const size = s.partitionSize;
  const chunks = [];
  for (let i = 0; i < Math.max(s.rows.length, 1); i += size) chunks.push(s.rows.slice(i, i + size));
  const data = chunks[partition] || [];
  if (partition > 0) return {data};
  return {resultSetMetaData: {numRows: s.rows.length, format: 'jsonv2', rowType: s.columns,
    partitionInfo: chunks.map((c) => ({rowCount: c.length, uncompressedSize: 100}))},
    data, code: '090001', statementStatusUrl: `/api/v2/statements/${handle}`, sqlState: '00000',
    statementHandle: handle, message: 'Statement executed successfully.', createdOn: Date.now()};
}

const running = (handle) => ({code: '333334', message: 'Asynchronous execution in progress. Use provided query id to perform query monitoring and management.',
  statementHandle: handle, statementStatusUrl: `/api/v2/statements/${handle}`});

function handle(req, res, body) {
  const url = new URL(req.url, 'https://localhost');
  if (!req.headers['user-agent']) return send(res, 400, {code: '391903', message: 'User-Agent header is required'});
  const authError = checkAuth(req);
  if (authError) {
    event({type: 'unauthorized', reason: authError});
    return send(res, 401, {code: '390144', message: authError});
  }
  const st = state();
  let m;
  if (req.method === 'POST' && url.pathname === '/api/v2/statements') {
    postCount++;
    if (postCount <= (st.throttle_first || 0)) {
      event({type: 'throttled', retry: url.searchParams.get('retry')});
      return send(res, 429, {message: 'Too many requests'});
    }
    let request;
    try { request = JSON.parse(body); } catch (e) { return send(res, 400, {message: 'bad JSON'}); }
    if (!request.statement) return send(res, 400, {message: 'statement is required'});
    if (st.require_warehouse && request.warehouse !== st.require_warehouse)
      return send(res, 422, {code: '000606', sqlState: '57P03', message: 'No active warehouse selected in the current session.', statementHandle: 'x'});
    event({type: 'statement', statement: request.statement, timeout: request.timeout, database: request.database,
      role: request.role, warehouse: request.warehouse,
      token_type: req.headers['x-snowflake-authorization-token-type'], request_id: url.searchParams.get('requestId'),
      retry: url.searchParams.get('retry')});
    const result = run(request.statement, st);
    const h = `01b${String(++handleCount).padStart(5, '0')}-0000-4000-8000-000000000000`;
    if (result.error) {
      return send(res, result.error.status, {code: result.error.code, sqlState: result.error.sqlState,
        message: result.error.message, statementHandle: h, createdOn: Date.now()});
    }
    const s = {rows: result.rows, columns: result.columns, partitionSize: st.partition_size || 1000,
      pollsLeft: result.slow ? 2 : 0, hang: !!result.hang, failPartition: st.fail_partition_once};
    statements.set(h, s);
    if (s.hang || s.pollsLeft > 0) return send(res, 202, running(h));
    return send(res, 200, resultBody(h, s, 0));
  }
  if (req.method === 'POST' && (m = /^\/api\/v2\/statements\/([^/]+)\/cancel$/.exec(url.pathname))) {
    event({type: 'cancel', handle: m[1]});
    const s = statements.get(m[1]);
    if (s) s.cancelled = true;
    return send(res, 200, {statementHandle: m[1], message: 'successfully canceled'});
  }
  if (req.method === 'GET' && (m = /^\/api\/v2\/statements\/([^/]+)$/.exec(url.pathname))) {
    const s = statements.get(m[1]);
    if (!s) return send(res, 404, {message: 'no such statement'});
    if (s.cancelled) return send(res, 422, {code: '000604', sqlState: '57014', message: 'SQL execution canceled', statementHandle: m[1]});
    if (s.hang) { event({type: 'poll', handle: m[1]}); return send(res, 202, running(m[1])); }
    if (s.pollsLeft > 0) { s.pollsLeft--; event({type: 'poll', handle: m[1]}); return send(res, 202, running(m[1])); }
    const partition = Number(url.searchParams.get('partition') || 0);
    if (partition > 0) {
      event({type: 'partition', handle: m[1], partition});
      if (s.failPartition) { s.failPartition = false; return send(res, 503, {message: 'Service Unavailable'}); }
    }
    return send(res, 200, resultBody(m[1], s, partition));
  }
  return send(res, 404, {message: 'not found'});
}

const server = https.createServer({key: fs.readFileSync(config.key), cert: fs.readFileSync(config.cert)}, (req, res) => {
  let body = '';
  req.on('data', (c) => { body += c; });
  req.on('end', () => {
    try { handle(req, res, body); } catch (e) { send(res, 500, {message: String(e && e.stack || e)}); }
  });
});
server.listen(config.port, '127.0.0.1', () => event({type: 'listening', port: config.port}));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
