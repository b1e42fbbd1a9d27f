// Talks to the freshwatch API: JSON over fetch with the session cookie, problem documents
// turned into ApiError, and a short-lived cache shared by every component (so hovering the same
// 90-day bar twice, or going back to a page, does not ask the server again).

import type { Incident, Problem, Session } from './types';

/** What is known of a failed request: a problem document, or what the client could make of the answer. */
export type ErrorInfo = Partial<Problem>;

export class ApiError extends Error {
  readonly status: number;
  readonly problem: ErrorInfo;
  constructor(status: number, problem: ErrorInfo) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

type UnauthorizedHandler = () => void;
let onUnauthorized: UnauthorizedHandler = () => {};

/** Registers what happens when the server answers 401 (the app sends the user to sign-in). */
export function setUnauthorizedHandler(handler: UnauthorizedHandler): void {
  onUnauthorized = handler;
}

async function problemOf(res: Response): Promise<ErrorInfo> {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as ErrorInfo;
    if (body && typeof body === 'object') return body;
  } catch {
    /* not JSON: fall through */
  }
  return { title: res.statusText || `HTTP ${res.status}`, status: res.status, detail: text.slice(0, 300) || undefined };
}

export async function request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, { title: 'Cannot reach freshwatch', detail: 'The server did not answer. Check that freshwatch is running and try again.' });
  }
  if (res.status === 401 && !path.startsWith('/api/v1/session')) {
    cache.clear();
    onUnauthorized();
  }
  if (!res.ok) throw new ApiError(res.status, await problemOf(res));
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

interface Entry {
  at: number;
  promise: Promise<unknown>;
}
const cache = new Map<string, Entry>();
const TTL_MS = 20_000;

/** GET with a shared short-lived cache; `fresh` bypasses it. */
export function get<T>(path: string, fresh = false): Promise<T> {
  const now = Date.now();
  const hit = cache.get(path);
  if (!fresh && hit && now - hit.at < TTL_MS) return hit.promise as Promise<T>;
  const promise = request<T>('GET', path);
  cache.set(path, { at: now, promise });
  promise.catch(() => {
    if (cache.get(path)?.promise === promise) cache.delete(path);
  });
  return promise;
}

export function clearCache(): void {
  cache.clear();
}

/** Forgets cached answers whose path starts with `prefix` (after a change the server made). */
export function invalidate(prefix: string): void {
  for (const k of [...cache.keys()]) if (k.startsWith(prefix)) cache.delete(k);
}

export const api = {
  signIn: (username: string, password: string) => request<void>('POST', '/api/v1/session', { username, password }),
  signOut: () => request<void>('DELETE', '/api/v1/session'),
  session: () => request<Session>('GET', '/api/v1/session'),
  acknowledge: (id: string) => changeIncident(id, '/acknowledge'),
  snooze: (id: string, until: Date) => changeIncident(id, '/snooze', { until: until.toISOString().replace(/\.\d{3}Z$/, 'Z') }),
};

/** A POST that changes an incident; every cached incident answer is then out of date. */
async function changeIncident(id: string, action: string, body?: unknown): Promise<Incident> {
  const incident = await request<Incident>('POST', incidentPath(id, action), body);
  invalidate('/api/v1/incidents');
  return incident;
}

/** Builds "/api/v1/incidents/<encoded id>" plus an optional suffix. */
export function incidentPath(id: string, suffix = ''): string {
  return `/api/v1/incidents/${encodeURIComponent(id)}${suffix}`;
}

/** Builds "/api/v1/assets/<encoded key>" plus an optional suffix. */
export function assetPath(key: string, suffix = ''): string {
  return `/api/v1/assets/${encodeURIComponent(key)}${suffix}`;
}

/** Query string from a record, leaving out empty values. */
export function query(params: Record<string, string | number | boolean | undefined | null | string[]>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '' || v === false) continue;
    if (Array.isArray(v)) {
      if (v.length) q.set(k, v.join(','));
    } else q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}
