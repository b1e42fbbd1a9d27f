import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, assetPath, get, query, request, setUnauthorizedHandler, clearCache } from './client';
import { flatQuery } from '../pages/Overview';
import { safeNext } from '../pages/SignIn';
import { DEFAULT_VIEW } from '../lib/urlState';

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/problem+json' } });

afterEach(() => {
  vi.unstubAllGlobals();
  clearCache();
  setUnauthorizedHandler(() => {});
});

describe('API client', () => {
  it('turns a problem document into an ApiError with its detail', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => json(404, { type: 'about:blank', title: 'Not Found', status: 404, detail: "no asset 'x'" })));
    const err = (await request('GET', '/api/v1/assets/x').catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(404);
    expect(err.message).toBe("no asset 'x'");
  });

  it('sends the user to sign in on 401, except for the sign-in call itself', async () => {
    const onUnauthorized = vi.fn();
    setUnauthorizedHandler(onUnauthorized);
    vi.stubGlobal('fetch', vi.fn(async () => json(401, { title: 'Unauthorized', status: 401 })));
    await expect(request('GET', '/api/v1/summary')).rejects.toBeInstanceOf(ApiError);
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
    await expect(request('POST', '/api/v1/session', { username: 'a', password: 'b' })).rejects.toBeInstanceOf(ApiError);
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });

  it('explains when the server cannot be reached', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))));
    const err = (await request('GET', '/api/v1/summary').catch((e: unknown) => e)) as ApiError;
    expect(err.problem.title).toBe('Cannot reach freshwatch');
  });

  it('shares one request between callers of the same path', async () => {
    const f = vi.fn(async () => new Response('{"ok":true}', { status: 200 }));
    vi.stubGlobal('fetch', f);
    const [a, b] = await Promise.all([get('/api/v1/tree'), get('/api/v1/tree')]);
    expect(a).toEqual(b);
    expect(f).toHaveBeenCalledTimes(1);
    await get('/api/v1/tree', true);
    expect(f).toHaveBeenCalledTimes(2);
  });

  it('encodes keys and builds queries without empty values', () => {
    expect(assetPath('warehouse:analytics.public.orders', '/history?days=90')).toBe('/api/v1/assets/warehouse%3Aanalytics.public.orders/history?days=90');
    expect(query({ q: '', status: ['warn', 'error'], impacted: false, leaves: true, owner: undefined })).toBe('?status=warn%2Cerror&leaves=true');
    expect(query({})).toBe('');
  });
});

describe('overview query', () => {
  it('asks for late and stale assets in the "late or stale" view', () => {
    expect(flatQuery({ ...DEFAULT_VIEW, view: 'broken' })).toBe('/api/v1/assets?status=warn%2Cerror&leaves=true&sort=staleness');
    expect(flatQuery({ ...DEFAULT_VIEW, view: 'broken', status: ['error', 'fresh'] })).toBe('/api/v1/assets?status=error&leaves=true&sort=staleness');
    expect(flatQuery({ ...DEFAULT_VIEW, view: 'broken', status: ['fresh'] })).toBeNull();
  });
  it('asks for impacted assets and carries search, owner and tag', () => {
    expect(flatQuery({ ...DEFAULT_VIEW, view: 'impacted', q: 'ord', owner: 'ana', tag: 'fin', sort: 'name' })).toBe(
      '/api/v1/assets?q=ord&owner=ana&tag=fin&impacted=true&leaves=true&sort=name',
    );
  });
});

describe('sign-in redirect', () => {
  it('follows only paths inside the app', () => {
    expect(safeNext('/assets/x?y=1')).toBe('/assets/x?y=1');
    expect(safeNext(null)).toBe('/');
    expect(safeNext('https://evil.example')).toBe('/');
    expect(safeNext('//evil.example')).toBe('/');
    expect(safeNext('/signin?next=/')).toBe('/');
  });
});
