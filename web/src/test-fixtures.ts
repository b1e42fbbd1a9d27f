// Test data shaped as the API document says (src/api/openapi.gen.ts), and a fetch that answers
// from a table of routes, for component and page tests.
import { vi } from 'vitest';
import type { AssetDetail, AssetSummary } from './api/types';

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
  root_causes: [],
  root_paths: [],
  upstream: [],
  downstream: [],
  ...over,
} as AssetDetail);

/**
 * Stubs fetch: a route answers its body when it names the whole URL (decoded, with its query) or
 * its path alone; anything else is a 404 problem. Returns the URLs asked, as they were asked.
 */
export function serve(routes: Record<string, unknown>): string[] {
  const calls: string[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string) => {
      calls.push(url);
      const body = routes[decodeURIComponent(url)] ?? routes[decodeURIComponent(url.split('?')[0])];
      if (body === undefined) return new Response(JSON.stringify({ title: 'Not Found', status: 404 }), { status: 404 });
      return new Response(JSON.stringify(body), { status: 200 });
    }),
  );
  return calls;
}
export const noHistory = (key: string) => ({ key, timezone: 'UTC', days: [] });
