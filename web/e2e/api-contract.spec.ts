// The API answers as docs/openapi.yaml says: every documented GET route of /api/v1 and /api/v2 is
// asked, signed in, against `freshwatch demo` (see global-setup.ts), with the keys its own lists
// give, and every body is validated against the document's schema for its route, status and
// content type, with objects closed (an undocumented field fails). The document itself is checked
// first. A failure lists each difference once, with how many responses showed it and one URL.

import { expect, test, type APIRequestContext, type APIResponse } from '@playwright/test';
import type { components } from '../src/api/openapi.gen';
import type { AssetList, AssetSummary } from '../src/api/types';
import { isContainer } from '../src/lib/paths';
import { documentProblems, documentText, loadContract } from './contract';

const skip = process.env.FRESHWATCH_E2E_SKIP;
const base = () => process.env.FRESHWATCH_E2E_BASE_URL!;

test('docs/openapi.yaml is a valid OpenAPI 3.1 document whose schemas compile', async () => {
  expect(await documentProblems()).toEqual([]);
});

test.describe('responses match the document', () => {
  test.skip(Boolean(skip), skip);

  test('every documented GET route answers with documented bodies', async ({ playwright }) => {
    const contract = loadContract();
    const api: APIRequestContext = await playwright.request.newContext({ baseURL: base() });
    const signIn = await api.post('/api/v1/session', { data: { username: 'demo', password: 'demo' } });
    expect(signIn.status(), await signIn.text()).toBe(204);

    const differences = new Map<string, { line: string; count: number; url: string }>();
    const covered = new Set<string>();
    const note = (template: string, url: string, lines: string[]) => {
      for (const line of lines) {
        // One entry per difference: array indices and the values found do not make another.
        const key = `${template}: ${line.replace(/\/\d+(?=\/|:| )/g, '/*').replace(/the response has .*?; /, '')}`;
        const seen = differences.get(key);
        if (seen) seen.count++;
        else differences.set(key, { line: `${template}: ${line}`, count: 1, url });
      }
    };
    const check = async (template: string, url: string, res: APIResponse): Promise<unknown> => {
      covered.add(template);
      const type = res.headers()['content-type'] ?? '';
      const text = await res.text();
      let body: unknown = text;
      if (type.includes('json')) {
        try {
          body = JSON.parse(text);
        } catch (e) {
          note(template, url, [`the body is not JSON: ${(e as Error).message}`]);
          return undefined;
        }
      }
      note(template, url, contract.check('GET', template, res.status(), type, body));
      return body;
    };
    const get = async <T>(template: string, url: string, expected = 200): Promise<T> => {
      const res = await api.get(url);
      if (res.status() !== expected) note(template, url, [`answered ${res.status()}, expected ${expected}`]);
      return (await check(template, url, res)) as T;
    };
    const assetPath = (key: string, suffix = '') => `/api/v1/assets/${encodeURIComponent(key)}${suffix}`;

    // The document the binary serves is this one.
    const served = await api.get('/api/v1/openapi.yaml');
    expect.soft(served.status(), 'GET /api/v1/openapi.yaml').toBe(200);
    expect.soft(await served.text(), 'the served document differs from docs/openapi.yaml: rebuild the binary').toBe(documentText());
    covered.add('/api/v1/openapi.yaml');

    await get('/api/v1/session', '/api/v1/session');
    await get('/api/v1/summary', '/api/v1/summary');
    await get('/api/v1/tree', '/api/v1/tree');
    await get('/api/v2/summary.json', '/api/v2/summary.json');
    await get('/api/v2/status.json', '/api/v2/status.json');
    await get('/api/v2/components.json', '/api/v2/components.json');

    // Every asset, page by page; then the filters with values the data has.
    const all: AssetSummary[] = [];
    for (let cursor: string | null = null, pages = 0; pages < 100; pages++) {
      const url: string = `/api/v1/assets?limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page: AssetList = await get<AssetList>('/api/v1/assets', url);
      all.push(...page.items);
      cursor = page.next_cursor;
      if (!cursor) {
        expect(all.length, 'pages add up to total').toBe(page.total);
        break;
      }
    }
    expect(all.length).toBeGreaterThan(0);
    const leaf = all.find((a) => !isContainer(a.kind))!;
    const root = all.find((a) => a.parent === null)!;
    const owner = all.find((a) => a.owner)?.owner;
    const tag = all.find((a) => a.tags.length)?.tags[0];
    const filters = [
      'status=warn,error', 'status=unknown', 'leaves=true&sort=staleness', 'sort=-staleness', 'sort=-name',
      'kind=table,view', 'kind=dashboard,look,tile', 'unused_days=30', 'unused_days=3650', 'impacted=true', 'impacted=false', `q=${encodeURIComponent(leaf.name)}`,
      `connection=${encodeURIComponent(leaf.connection)}`, `parent=${encodeURIComponent(root.key)}`,
      `under=${encodeURIComponent(root.key)}&leaves=true&limit=1000`,
      ...(owner ? [`owner=${encodeURIComponent(owner)}`] : []), ...(tag ? [`tag=${encodeURIComponent(tag)}`] : []),
    ];
    for (const f of filters) await get('/api/v1/assets', `/api/v1/assets?${f}`);

    for (const a of all) {
      await get('/api/v1/assets/{key}', assetPath(a.key));
      await get('/api/v1/assets/{key}/history', assetPath(a.key, '/history'));
      await get('/api/v1/assets/{key}/lineage', assetPath(a.key, '/lineage'));
    }
    await get('/api/v1/assets/{key}', assetPath(root.key, '?children_limit=1'));
    await get('/api/v1/assets/{key}', assetPath(root.key, '?children_limit=1000'));
    await get('/api/v1/assets/{key}/history', assetPath(leaf.key, '/history?days=1'));
    await get('/api/v1/assets/{key}/history', assetPath(leaf.key, '/history?days=365'));
    await get('/api/v1/assets/{key}/lineage', assetPath(leaf.key, '/lineage?depth=1'));
    await get('/api/v1/assets/{key}/lineage', assetPath(leaf.key, '/lineage?depth=10'));

    // Incidents: the list with each filter, the detail of the first when the server has one,
    // the Statuspage-compatible documents, and the feed.
    type Incident = components['schemas']['Incident'];
    const incidents = await get<{ items: Incident[] } | undefined>('/api/v1/incidents', '/api/v1/incidents');
    const incidentFilters = [
      'state=open', 'state=resolved', 'state=any', 'status=error', 'status=warn', 'limit=1', 'limit=1000',
      `connection=${encodeURIComponent(leaf.connection)}`, ...(owner ? [`owner=${encodeURIComponent(owner)}`] : []),
    ];
    for (const f of incidentFilters) await get('/api/v1/incidents', `/api/v1/incidents?${f}`);
    const incidentPath = (id: string) => `/api/v1/incidents/${encodeURIComponent(id)}`;
    const first = incidents?.items?.[0];
    if (first) await get('/api/v1/incidents/{id}', incidentPath(first.id));
    await get('/api/v2/incidents.json', '/api/v2/incidents.json');
    await get('/api/v2/incidents/unresolved.json', '/api/v2/incidents/unresolved.json');
    const feed = await api.get('/feed.atom');
    expect.soft(feed.status(), 'GET /feed.atom').toBe(200);
    expect.soft(feed.headers()['content-type'] ?? '', 'GET /feed.atom content type').toMatch(/^application\/atom\+xml\b/);
    const feedText = await feed.text();
    expect.soft(feedText, 'GET /feed.atom is an Atom feed').toMatch(/^<\?xml [^>]*\?>\s*<feed xmlns="http:\/\/www\.w3\.org\/2005\/Atom">/);
    await check('/feed.atom', '/feed.atom', feed);

    // Documented errors are problem documents.
    await get('/api/v1/incidents', '/api/v1/incidents?state=closed', 400);
    await get('/api/v1/incidents', '/api/v1/incidents?limit=0', 400);
    await get('/api/v1/incidents/{id}', incidentPath('no:such.asset@1'), 404);
    await get('/api/v1/assets', '/api/v1/assets?status=stale', 400);
    await get('/api/v1/assets', '/api/v1/assets?limit=0', 400);
    await get('/api/v1/assets', '/api/v1/assets?parent=no%3Asuch.asset', 404);
    await get('/api/v1/assets/{key}', assetPath('no:such.asset'), 404);
    await get('/api/v1/assets/{key}', assetPath(root.key, '?children_limit=0'), 400);
    await get('/api/v1/assets/{key}/history', assetPath(leaf.key, '/history?days=0'), 400);
    await get('/api/v1/assets/{key}/lineage', assetPath(leaf.key, '/lineage?depth=11'), 400);

    // Routes that document an ETag send one, and answer 304 to it.
    // A route with an asset key in its path is asked for the leaf.
    const concrete = (template: string) => template.replace('{key}', encodeURIComponent(leaf.key));
    for (const template of contract.jsonGetRoutes().filter((t) => contract.documentsETag(t))) {
      const url = concrete(template);
      const first = await api.get(url);
      const etag = first.headers()['etag'];
      if (!etag) {
        note(template, url, ['documents an ETag header, the response has none']);
        continue;
      }
      const again = await api.get(url, { headers: { 'If-None-Match': etag } });
      if (again.status() !== 304) note(template, url, [`answered ${again.status()} to If-None-Match with its own ETag, expected 304`]);
      else await check(template, url, again);
    }

    const anon = await playwright.request.newContext({ baseURL: base() });
    for (const template of ['/api/v1/summary', '/api/v1/session', '/api/v2/status.json', '/api/v1/incidents', '/feed.atom'])
      await check(template, template, await anon.get(template));
    await anon.dispose();
    await api.dispose();

    const report = [...differences.values()].map(({ line, count, url }) => `${line}  [${count}×, e.g. GET ${url}]`);
    expect(report, 'responses that differ from docs/openapi.yaml').toEqual([]);
    const missing = contract.jsonGetRoutes().filter((t) => t.startsWith('/api/') && !covered.has(t));
    expect(missing, 'documented GET routes this test does not ask').toEqual([]);
  });
});
