// A local stand-in for the dbt Cloud Administrative API v2, as documented: list runs
// (GET /api/v2/accounts/{account_id}/runs/?job_definition_id=&status=&order_by=&limit=) and
// get run artifacts (GET /api/v2/accounts/{account_id}/runs/{run_id}/artifacts/{path}), with
// service-token authentication (Authorization: Token <token>).
//
// Usage: node server.js PORT TOKEN TESTDATA_DIR
// Account 1 exists. Jobs:
//   42  latest successful run 4242: a Snowflake freshness run (manifest + sources.json, no run_results)
//   43  run 4343: a build (manifest + run_results.json)
//   44  run 4444: a truncated manifest.json
//   45  no successful run
//   50  answers 500
//   51  answers slowly (5 s)
// Control (for tests): POST /control/advance?job=42 makes a newer run of job 42 the latest;
// GET /control/stats gives {"artifact_requests": N, "runs_requests": N}.
'use strict';
const http = require('http');
const fs = require('fs');
const path = require('path');

const [port, token, testdata] = process.argv.slice(2);
const brooklyn = path.join(testdata, 'dbt', 'brooklyn_snowflake');
const runs = {
  42: {id: 4242, files: {'manifest.json': 'source_freshness_manifest.json', 'sources.json': 'source_freshness_sources.json'}},
  43: {id: 4343, files: {'manifest.json': 'build_manifest.json', 'run_results.json': 'build_run_results.json'}},
  44: {id: 4444, files: {'manifest.json': 'truncated'}},
};
const stats = {artifact_requests: 0, runs_requests: 0};

function send(res, code, body) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(code, {'Content-Type': 'application/json'});
  res.end(text);
}
function problem(res, code, message) {
  send(res, code, {status: {code, is_success: false, user_message: message, developer_message: null}, data: null});
}
function runObject(job, run) {
  return {
    id: run.id, account_id: 1, job_definition_id: job, status: 10, status_humanized: 'Success',
    in_progress: false, is_complete: true, is_success: true, is_error: false, is_cancelled: false,
    created_at: '2022-02-14 13:10:00.000000+00:00', started_at: '2022-02-14 13:11:00.000000+00:00',
    finished_at: `2022-02-14 13:${14 + (run.id % 10)}:25.000000+00:00`, has_docs_generated: false,
    artifacts_saved: true, trigger: {cause: 'Scheduled'},
  };
}

http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  if (url.pathname === '/control/stats') return send(res, 200, stats);
  if (url.pathname === '/control/advance' && req.method === 'POST') {
    const run = runs[url.searchParams.get('job')];
    run.id += 1;
    return send(res, 200, {id: run.id});
  }
  if (req.headers['authorization'] !== `Token ${token}`)
    return problem(res, 401, 'Invalid token.');
  let m = url.pathname.match(/^\/api\/v2\/accounts\/(\d+)\/runs\/$/);
  if (m && req.method === 'GET') {
    stats.runs_requests += 1;
    if (m[1] !== '1') return problem(res, 404, 'The requested resource was not found.');
    const q = url.searchParams;
    if (q.get('status') !== '10' || q.get('order_by') !== '-finished_at' || q.get('limit') !== '1' || !q.get('job_definition_id'))
      return problem(res, 400, 'expected job_definition_id, status=10, order_by=-finished_at, limit=1');
    const job = Number(q.get('job_definition_id'));
    if (job === 50) return problem(res, 500, 'Internal server error.');
    const answer = () => {
      const data = runs[job] ? [runObject(job, runs[job])] : [];
      send(res, 200, {
        status: {code: 200, is_success: true, user_message: 'Success!', developer_message: ''},
        data,
        extra: {filters: {account_id: 1, job_definition_id: job, status: 10}, order_by: '-finished_at',
                pagination: {count: data.length, total_count: data.length}},
      });
    };
    return job === 51 ? setTimeout(answer, 5000) : answer();
  }
  m = url.pathname.match(/^\/api\/v2\/accounts\/(\d+)\/runs\/(\d+)\/artifacts\/(.+)$/);
  if (m && req.method === 'GET') {
    stats.artifact_requests += 1;
    const entry = Object.entries(runs).find(([, r]) => String(r.id) === m[2]);
    if (m[1] !== '1' || !entry) return problem(res, 404, 'The requested resource was not found.');
    const file = entry[1].files[m[3]];
    if (!file) return problem(res, 404, `No artifact ${m[3]} for run ${m[2]}.`);
    if (file === 'truncated')
      return send(res, 200, fs.readFileSync(path.join(brooklyn, 'build_manifest.json'), 'utf8').slice(0, 1000));
    return send(res, 200, fs.readFileSync(path.join(brooklyn, file), 'utf8'));
  }
  problem(res, 404, 'The requested resource was not found.');
}).listen(Number(port), '127.0.0.1', () => console.log(`dbt Cloud stand-in on ${port}`));
