import { describe, expect, it } from 'vitest';
import { addDays, dateInZone, formatAgo, formatDate, formatDuration, formatExact, formatMinutes } from './time';

const NOW = Date.parse('2026-11-26T10:28:45Z');

describe('formatDuration', () => {
  it.each([
    [0, '0 s'],
    [59, '59 s'],
    [60, '1 min'],
    [3599, '59 min'],
    [3600, '1 h'],
    [3 * 3600 + 5 * 60, '3 h 5 min'],
    [12 * 3600 + 5 * 60, '12 h'],
    [86400, '1 d'],
    [2 * 86400 + 4 * 3600, '2 d 4 h'],
    [12 * 86400 + 4 * 3600, '12 d'],
    [-5, '0 s'],
  ])('%d s is "%s"', (s, text) => expect(formatDuration(s)).toBe(text));
});

describe('formatAgo', () => {
  it('says how long ago in one unit', () => {
    expect(formatAgo('2026-11-26T07:20:00Z', NOW)).toBe('3 h ago');
    expect(formatAgo('2026-11-24T06:00:00Z', NOW)).toBe('2 d ago');
    expect(formatAgo('2026-11-26T10:16:00Z', NOW)).toBe('12 min ago');
  });
  it('calls the last few seconds "just now" and handles the future', () => {
    expect(formatAgo('2026-11-26T10:28:30Z', NOW)).toBe('just now');
    expect(formatAgo('2026-11-26T10:33:45Z', NOW)).toBe('in 5 min');
  });
  it('handles missing and bad input', () => {
    expect(formatAgo(null, NOW)).toBe('never');
    expect(formatAgo('yesterday-ish', NOW)).toBe('unknown time');
  });
});

describe('formatExact', () => {
  it('shows the time in the given zone with its name', () => {
    expect(formatExact('2026-11-26T10:28:45Z', 'UTC')).toBe('26 Nov 2026, 10:28:45 UTC');
    expect(formatExact('2026-11-26T10:28:45Z', 'Europe/Berlin')).toBe('26 Nov 2026, 11:28:45 CET');
    expect(formatExact('2026-07-01T10:00:00Z', 'Europe/Berlin')).toBe('1 Jul 2026, 12:00:00 CEST');
  });
  it('falls back to UTC for an unknown zone', () => {
    expect(formatExact('2026-11-26T10:28:45Z', 'Mars/Olympus')).toBe('26 Nov 2026, 10:28:45 UTC');
  });
});

describe('dates', () => {
  it('finds the calendar date in a zone', () => {
    expect(dateInZone(Date.parse('2026-11-26T23:30:00Z'), 'UTC')).toBe('2026-11-26');
    expect(dateInZone(Date.parse('2026-11-26T23:30:00Z'), 'Europe/Berlin')).toBe('2026-11-27');
    expect(dateInZone(Date.parse('2026-11-26T03:30:00Z'), 'America/New_York')).toBe('2026-11-25');
  });
  it('moves dates across months, years and leap days', () => {
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-11-26', -89)).toBe('2026-08-29');
  });
  it('formats dates and minutes for people', () => {
    expect(formatDate('2026-11-26')).toBe('Thu, 26 Nov 2026');
    expect(formatMinutes(5)).toBe('5 min');
    expect(formatMinutes(90)).toBe('1 h 30 min');
    expect(formatMinutes(1440)).toBe('24 h');
  });
});
