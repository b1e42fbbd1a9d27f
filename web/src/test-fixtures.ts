// Test data shaped as the API document says (src/api/openapi.gen.ts), and a fetch that answers
// from a table of routes, for component and page tests.
import { vi } from 'vitest';
import type { AssetDetail, AssetSummary, Incident, IncidentDetail } from './api/types';

export const HOUR = 3600e3;
export const ago = (ms: number) => new Date(Date.now() - ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
export const summary = (key: string, over: Partial<AssetSummary> = {}): AssetSummary => ({
  key,
  name: key.split('.').pop()!,
  kind: 'table',
  parent: null,
  connection: key.split(':')[0],
  owner: null,
  tags: [],
  status: 'fresh',
  changed_at: ago(HOUR),
  age_seconds: 3600,
  signal: null,
  policy: null,
  reason: null,
  error: null,
  impacted: false,
  data_time: ago(HOUR),
  data_time_from: key,
  usage: null,
  counts: { fresh: 1, warn: 0, error: 0, unknown: 0, total: 1 },
  history: [],
  ...over,
});
export const detail = (asset: AssetSummary, over: Partial<AssetDetail> = {}): AssetDetail => ({
  asset: { ...asset, description: null, url: null },
  policy: { name: null, origin: null, rule: { type: 'threshold', warn_after_seconds: 86400, error_after_seconds: 172800 } },
  observations: [],
  intervals: [],
  ancestors: [],
  children: [],
  children_total: over.children?.length ?? 0,
  children_next_cursor: null,
  children_all: `/api/v1/assets?parent=${encodeURIComponent(asset.key)}`,
  root_causes: [],
  root_paths: [],
  upstream: [],
  downstream: [],
  ...over,
} as AssetDetail);

/** A route's answer computed per request (a POST that changes what later GETs see). */
export type Handler = (req: { method: string; body: unknown }) => unknown;

/**
 * Stubs fetch: a route answers its body when it names the whole URL (decoded, with its query) or
 * its path alone (a function is called with the method and JSON body); anything else is a 404
 * problem. Returns the URLs asked, as they were asked, a request other than GET as "POST <url>".
 */
export function serve(routes: Record<string, unknown>): string[] {
  const calls: string[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      const method = init?.method ?? 'GET';
      calls.push(method === 'GET' ? url : `${method} ${url}`);
      let body = routes[decodeURIComponent(url)] ?? routes[decodeURIComponent(url.split('?')[0])];
      if (typeof body === 'function') body = (body as Handler)({ method, body: init?.body ? JSON.parse(String(init.body)) : undefined });
      if (body === undefined) return new Response(JSON.stringify({ title: 'Not Found', status: 404 }), { status: 404 });
      return new Response(JSON.stringify(body), { status: 200 });
    }),
  );
  return calls;
}
export const noHistory = (key: string) => ({ key, timezone: 'UTC', days: [] });

export const incident = (rootKey: string, over: Partial<Incident> = {}): Incident => ({
  id: `${rootKey}@1795000000000000`,
  kind: 'stale',
  status: 'open',
  root: { key: rootKey, name: rootKey.split('.').pop()!, status: 'error', changed_at: ago(80 * HOUR), reason: 'last change 3 d 8 h ago; stale after 48 h', owner: 'ana' },
  impacted: { count: 0, keys: [] },
  opened_at: ago(56 * HOUR),
  resolved_at: null,
  acknowledged_at: null,
  snoozed_until: null,
  last_notified_at: ago(2 * HOUR),
  ...over,
});
export const incidentDetail = (i: Incident, over: Partial<IncidentDetail> = {}): IncidentDetail => ({ ...i, timeline: [], deliveries: [], ...over });
