// The fake API (e2e/fake-api.mjs) answers as the document says: every JSON GET route it serves,
// checked with the same closed schemas as the real server, plus the BI shapes the UI draws.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadContract } from './contract';

let child: ChildProcess;
let base = '';
let cookie = '';
const contract = loadContract();

beforeAll(async () => {
  child = spawn(process.execPath, [fileURLToPath(new URL('./fake-api.mjs', import.meta.url)), '--port', '0', '--assets', '20'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  base = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`fake API exited with ${code}`)));
    child.stdout!.on('data', (b: Buffer) => {
      const m = /http:\/\/127\.0\.0\.1:(\d+)/.exec(b.toString());
      if (m) resolve(`http://127.0.0.1:${m[1]}`);
    });
  });
  const res = await fetch(`${base}/api/v1/session`, { method: 'POST', body: JSON.stringify({ username: 'demo', password: 'demo' }) });
  cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
});
afterAll(() => {
  child?.kill();
});

async function checked(template: string, path: string): Promise<unknown> {
  const res = await fetch(`${base}${path}`, { headers: { cookie } });
  const body = await res.json();
  expect(contract.check('GET', template, res.status, res.headers.get('content-type') ?? '', body), path).toEqual([]);
  return body;
}
const asset = (key: string, suffix = '') => `/api/v1/assets/${encodeURIComponent(key)}${suffix}`;

describe('fake API', () => {
  it('follows the document on every route the UI reads', async () => {
    await checked('/api/v1/summary', '/api/v1/summary');
    await checked('/api/v1/tree', '/api/v1/tree');
    await checked('/api/v1/assets', '/api/v1/assets?leaves=true&limit=1000');
    await checked('/api/v1/assets', '/api/v1/assets?parent=looker%3Ashared.finance&kind=dashboard');
    for (const key of ['warehouse:analytics.raw.orders', 'looker:shared.finance.revenue', 'looker:shared.finance.revenue.revenue_by_day', 'looker:shared.finance.weekly_orders']) {
      await checked('/api/v1/assets/{key}', asset(key));
      await checked('/api/v1/assets/{key}/lineage', asset(key, '/lineage?depth=3'));
      await checked('/api/v1/assets/{key}/history', asset(key, '/history?days=90'));
    }
  });

  it('gives a tile its data time, a root path through the lineage, and usage to dashboards', async () => {
    const tile = (await checked('/api/v1/assets/{key}', asset('looker:shared.finance.revenue.revenue_by_day'))) as {
      asset: { data_time_from: string | null; usage: unknown };
      root_paths: { root: string; hops: { key: string; via: string | null }[] }[];
    };
    expect(tile.asset.data_time_from).toBe('warehouse:analytics.raw.orders');
    expect(tile.asset.usage).toBeNull();
    expect(tile.root_paths).toHaveLength(1);
    expect(tile.root_paths[0].hops.map((h) => [h.key, h.via])).toEqual([
      ['looker:shared.finance.revenue.revenue_by_day', 'view daily_revenue'],
      ['warehouse:analytics.marts.daily_revenue', 'dbt ref'],
      ['warehouse:analytics.staging.stg_orders', 'dbt ref'],
      ['warehouse:analytics.raw.orders', null],
    ]);
    const dash = (await checked('/api/v1/assets/{key}', asset('looker:shared.finance.revenue'))) as { asset: { usage: { view_count: number } }; children: unknown[] };
    expect(dash.asset.usage.view_count).toBe(1284);
    expect(dash.children).toHaveLength(4);
  });

  it('has Looker folders hold dashboards, which group their tiles as the server does', async () => {
    type Node = { key: string; kind: string; status: string; counts: { total: number; error: number }; children: Node[] };
    const tree = (await checked('/api/v1/tree', '/api/v1/tree')) as { nodes: Node[] };
    const lookerRoot = tree.nodes.find((n) => n.key === 'looker')!;
    const finance = lookerRoot.children[0].children.find((n) => n.key === 'looker:shared.finance')!;
    expect(finance.kind).toBe('folder');
    const dash = finance.children.find((n) => n.kind === 'dashboard')!;
    expect(dash).toMatchObject({ key: 'looker:shared.finance.revenue', status: 'error', counts: { total: 4, error: 2 }, children: [] });
    const looks = (await checked('/api/v1/assets', '/api/v1/assets?parent=looker%3Ashared.finance&leaves=true')) as { items: { kind: string }[] };
    expect(looks.items.map((x) => x.kind)).toEqual(['look']);
    for (const a of ((await checked('/api/v1/assets', '/api/v1/assets?connection=looker&limit=1000')) as { items: { key: string }[] }).items) {
      await checked('/api/v1/assets/{key}', asset(a.key));
      await checked('/api/v1/assets/{key}/lineage', asset(a.key, '/lineage?depth=1'));
    }
  });

  it('lists dashboards and Looks nobody opened in N days', async () => {
    const list = (await checked('/api/v1/assets', '/api/v1/assets?unused_days=30')) as { items: { key: string }[] };
    expect(list.items.map((x) => x.key).sort()).toEqual(['looker:shared.marketing.draft_kpis', 'looker:shared.marketing.funnel']);
  });

  it('has one open incident per root cause with its impact, timeline and deliveries, and acknowledges and snoozes in memory', async () => {
    type Incident = { id: string; status: string; root: { key: string }; impacted: { count: number; keys: string[] }; acknowledged_at: string | null; snoozed_until: string | null };
    type Detail = Incident & { timeline: { type: string }[]; deliveries: { outcome: string; http_status: number | null }[] };
    const all = (await checked('/api/v1/incidents', '/api/v1/incidents')) as { items: Incident[] };
    const open = (await checked('/api/v1/incidents', '/api/v1/incidents?state=open&limit=1000')) as { items: Incident[] };
    const roots = ((await checked('/api/v1/assets', '/api/v1/assets?leaves=true&status=warn,error&limit=1000')) as { items: { key: string; impacted: boolean }[] }).items.filter((a) => !a.impacted);
    for (const r of roots) expect(open.items.filter((i) => i.root.key === r.key), r.key).toHaveLength(1);
    expect(all.items.findIndex((i) => i.status === 'resolved')).toBeGreaterThanOrEqual(open.items.length);
    await checked('/api/v1/incidents', '/api/v1/incidents?state=resolved&status=fresh&owner=ben&connection=warehouse&limit=5');

    const orders = open.items.find((i) => i.root.key === 'warehouse:analytics.raw.orders')!;
    expect(orders.impacted.keys).toContain('looker:shared.finance.revenue.orders_today');
    expect(orders.impacted.keys).toContain('looker:shared.finance.revenue');
    const path = `/api/v1/incidents/${encodeURIComponent(orders.id)}`;
    const detail = (await checked('/api/v1/incidents/{id}', path)) as Detail;
    expect(detail.timeline.map((e) => e.type)).toEqual(['incident.opened', 'incident.updated', 'incident.reminder']);
    expect(detail.deliveries.map((d) => d.outcome)).toEqual(expect.arrayContaining(['delivered', 'failed', 'pending']));

    const post = async (suffix: string, body?: unknown) => {
      const res = await fetch(`${base}${path}${suffix}`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      const json = await res.json();
      expect(contract.check('POST', `/api/v1/incidents/{id}${suffix}`, res.status, res.headers.get('content-type') ?? '', json)).toEqual([]);
      return { status: res.status, json: json as Incident };
    };
    const ack = await post('/acknowledge');
    expect(ack.status).toBe(200);
    expect(ack.json.acknowledged_at).not.toBeNull();
    expect((await post('/acknowledge')).json.acknowledged_at).toBe(ack.json.acknowledged_at);
    expect((await post('/snooze', { until: 'tomorrow' })).status).toBe(400);
    const until = new Date(Date.now() + 3600e3).toISOString().replace(/\.\d{3}Z$/, 'Z');
    expect((await post('/snooze', { until })).json.snoozed_until).toBe(until);
    expect(((await checked('/api/v1/incidents/{id}', path)) as Detail).snoozed_until).toBe(until);
    expect((await fetch(`${base}/api/v1/incidents/nothing`, { headers: { cookie } })).status).toBe(404);
  });
});
