// The 90-day bar: which date each cell stands for and what its tooltip says.

import type { HistoryDay, Status } from '../api/types';
import { STATUS_LABEL } from './status';
import { addDays, dateInZone, formatDate, formatMinutes } from './time';

export interface DayCell {
  date: string;
  status: Status | null; // null: no data that day
}

/**
 * Cells for a list entry's history (oldest first, the last one today in `timeZone`).
 * A shorter history is padded at the front with days without data, so the bar always has `days` cells.
 */
export function historyCells(history: readonly (Status | null)[] | undefined, now: number, timeZone: string, days = 90): DayCell[] {
  const dates = lastDates(dateInZone(now, timeZone), days);
  const h = (history ?? []).slice(-days);
  const pad = days - h.length;
  const cells: DayCell[] = new Array(days);
  for (let i = 0; i < days; i++) cells[i] = { date: dates[i], status: i < pad ? null : (h[i - pad] ?? null) };
  return cells;
}

// Every row of a list shares the same dates: work them out once per day.
let datesKey = '';
let datesCache: string[] = [];
function lastDates(today: string, days: number): string[] {
  const key = `${today}|${days}`;
  if (key !== datesKey) {
    datesCache = Array.from({ length: days }, (_, i) => addDays(today, i - (days - 1)));
    datesKey = key;
  }
  return datesCache;
}

/** One letter per day (f fresh, w late, e stale, u unknown, - no data): the bar's shape as text. */
export function cellCodes(cells: readonly DayCell[]): string {
  return cells.map((c) => (c.status ? c.status[0] : '-')).join('');
}

/** Short word for a cell: "Fresh", "Late", "Stale", "Unknown", "No data". */
export function cellWord(status: Status | null): string {
  return status ? STATUS_LABEL[status] : 'No data';
}

/** Tooltip lines for a day: the date, then minutes per status (largest first), or "No data". */
export function dayTooltip(cell: DayCell, detail?: HistoryDay): string[] {
  const lines = [formatDate(cell.date)];
  if (detail && detail.has_data) {
    const order: Status[] = ['error', 'warn', 'unknown', 'fresh'];
    const parts = order
      .filter((s) => detail.minutes[s] > 0)
      .sort((a, b) => detail.minutes[b] - detail.minutes[a])
      .map((s) => `${STATUS_LABEL[s]}: ${formatMinutes(detail.minutes[s])}`);
    lines.push(...(parts.length ? parts : [cellWord(detail.status)]));
  } else if (detail && !detail.has_data) {
    lines.push('No data');
  } else {
    lines.push(cellWord(cell.status));
  }
  return lines;
}

/** Days of a history response by date, for looking up a cell's detail. */
export function byDate(days: readonly HistoryDay[] | undefined): Map<string, HistoryDay> {
  return new Map((days ?? []).map((d) => [d.date, d]));
}

/** Share of days per status over the cells that have data, as "99.2% fresh". */
export function freshShare(cells: readonly DayCell[]): string {
  const withData = cells.filter((c) => c.status !== null);
  if (!withData.length) return 'no data';
  const fresh = withData.filter((c) => c.status === 'fresh').length;
  const pct = (fresh / withData.length) * 100;
  return `${pct === 100 ? '100' : pct.toFixed(1)}% fresh days`;
}
