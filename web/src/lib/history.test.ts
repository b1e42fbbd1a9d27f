import { describe, expect, it } from 'vitest';
import type { HistoryDay, Status } from '../api/types';
import { cellCodes, dayTooltip, freshShare, historyCells } from './history';

const NOW = Date.parse('2026-11-26T10:00:00Z');

describe('historyCells', () => {
  it('maps 90 entries to 90 dates ending today, oldest first', () => {
    const h: (Status | null)[] = Array(90).fill('fresh');
    h[0] = null;
    h[89] = 'error';
    const cells = historyCells(h, NOW, 'UTC');
    expect(cells).toHaveLength(90);
    expect(cells[0]).toEqual({ date: '2026-08-29', status: null });
    expect(cells[89]).toEqual({ date: '2026-11-26', status: 'error' });
  });

  it('counts days in the server time zone', () => {
    const late = Date.parse('2026-11-26T23:30:00Z');
    expect(historyCells([], late, 'Europe/Berlin').at(-1)!.date).toBe('2026-11-27');
    expect(historyCells([], late, 'UTC').at(-1)!.date).toBe('2026-11-26');
  });

  it('pads a short history with days without data, never with fresh ones', () => {
    const cells = historyCells(['warn', 'fresh'], NOW, 'UTC');
    expect(cells).toHaveLength(90);
    expect(cells.slice(0, 88).every((c) => c.status === null)).toBe(true);
    expect(cells[88].status).toBe('warn');
    expect(cells[89].status).toBe('fresh');
    expect(historyCells(undefined, NOW, 'UTC').every((c) => c.status === null)).toBe(true);
  });

  it('keeps only the most recent days of a longer history', () => {
    const h: Status[] = Array(100).fill('fresh');
    h[99] = 'error';
    const cells = historyCells(h, NOW, 'UTC', 90);
    expect(cells).toHaveLength(90);
    expect(cells[89].status).toBe('error');
  });
});

describe('cells and tooltips', () => {
  it('writes the bar as one letter per day, with a dash for no data', () => {
    const d = (status: Status | null) => ({ date: '2026-11-26', status });
    expect(cellCodes([d('fresh'), d('warn'), d('error'), d('unknown'), d(null)])).toBe('fweu-');
  });

  it('lists minutes per status, largest first', () => {
    const day: HistoryDay = {
      date: '2026-11-20',
      has_data: true,
      status: 'warn',
      minutes: { fresh: 1000, warn: 440, error: 0, unknown: 0 },
      age_seconds: 3600,
    };
    expect(dayTooltip({ date: day.date, status: 'warn' }, day)).toEqual(['Fri, 20 Nov 2026', 'Fresh: 16 h 40 min', 'Late: 7 h 20 min']);
  });

  it('says "No data" for a day without data and falls back to the word before minutes arrive', () => {
    const none: HistoryDay = { date: '2026-11-20', has_data: false, status: null, minutes: { fresh: 0, warn: 0, error: 0, unknown: 0 }, age_seconds: null };
    expect(dayTooltip({ date: none.date, status: null }, none)).toEqual(['Fri, 20 Nov 2026', 'No data']);
    expect(dayTooltip({ date: '2026-11-21', status: 'error' })).toEqual(['Sat, 21 Nov 2026', 'Stale']);
  });

  it('computes the share of fresh days among days with data', () => {
    expect(freshShare([{ date: 'a', status: 'fresh' }, { date: 'b', status: null }])).toBe('100% fresh days');
    expect(freshShare([{ date: 'a', status: 'fresh' }, { date: 'b', status: 'error' }, { date: 'c', status: 'fresh' }])).toBe('66.7% fresh days');
    expect(freshShare([{ date: 'a', status: null }])).toBe('no data');
  });
});
