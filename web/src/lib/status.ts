// Status vocabulary shared by every view: words, order of badness, and how to count.

import type { Counts, Status } from '../api/types';

export const STATUS_LABEL: Record<Status, string> = {
  fresh: 'Fresh',
  warn: 'Late',
  error: 'Stale',
  unknown: 'Unknown',
};

export const STATUS_DESCRIPTION: Record<Status, string> = {
  fresh: 'changed recently enough',
  warn: 'older than the warning limit',
  error: 'older than the error limit or past its deadline',
  unknown: 'no data to judge',
};

/** Badness for "worst of": fresh < unknown < warn < error. */
export function severity(s: Status | null | undefined): number {
  switch (s) {
    case 'error':
      return 3;
    case 'warn':
      return 2;
    case 'unknown':
      return 1;
    case 'fresh':
      return 0;
    default:
      return -1;
  }
}

export function worst(statuses: Iterable<Status>): Status {
  let w: Status = 'fresh';
  for (const s of statuses) if (severity(s) > severity(w)) w = s;
  return w;
}

export function isStatus(s: string): s is Status {
  return s === 'fresh' || s === 'warn' || s === 'error' || s === 'unknown';
}

/** "3 stale, 2 late, 1 unknown" — the counts that need attention, worst first; "all fresh" if none. */
export function countsPhrase(c: Counts): string {
  const parts: string[] = [];
  if (c.error) parts.push(`${c.error} stale`);
  if (c.warn) parts.push(`${c.warn} late`);
  if (c.unknown) parts.push(`${c.unknown} unknown`);
  if (!parts.length) return c.total ? `all ${c.total} fresh` : 'empty';
  return `${parts.join(', ')} of ${c.total}`;
}

/** A dashboard's counts: "2 stale of 8 tiles", "all 4 tiles fresh", "1 tile, fresh", "no tiles". */
export function tilesPhrase(c: Counts): string {
  const noun = c.total === 1 ? 'tile' : 'tiles';
  if (!c.total) return 'no tiles';
  const p = countsPhrase(c);
  if (p.startsWith('all ')) return c.total === 1 ? '1 tile, fresh' : `all ${c.total} tiles fresh`;
  return `${p} ${noun}`;
}
