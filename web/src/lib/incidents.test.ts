import { describe, expect, it } from 'vitest';
import { impactPhrase, incidentState, incidentUrl, isSnoozed, snoozeChoices } from './incidents';

describe('incidents vocabulary', () => {
  it('reads the state filter, open and recent by default', () => {
    expect(incidentState(null)).toBe('any');
    expect(incidentState('open')).toBe('open');
    expect(incidentState('resolved')).toBe('resolved');
    expect(incidentState('closed')).toBe('any');
  });

  it('routes to an incident by its encoded id', () => {
    expect(incidentUrl('warehouse:analytics.raw.orders@1795000000000000')).toBe('/incidents/warehouse%3Aanalytics.raw.orders%401795000000000000');
  });

  it('words the impact', () => {
    expect(impactPhrase(0)).toBe('no impact downstream');
    expect(impactPhrase(1)).toBe('1 impacted asset');
    expect(impactPhrase(40)).toBe('40 impacted assets');
  });

  it('counts a snooze only while it lasts and while the incident is open', () => {
    const now = Date.parse('2026-12-02T10:00:00Z');
    expect(isSnoozed({ status: 'open', snoozed_until: '2026-12-02T11:00:00Z' }, now)).toBe(true);
    expect(isSnoozed({ status: 'open', snoozed_until: '2026-12-02T09:00:00Z' }, now)).toBe(false);
    expect(isSnoozed({ status: 'resolved', snoozed_until: '2026-12-02T11:00:00Z' }, now)).toBe(false);
    expect(isSnoozed({ status: 'open', snoozed_until: null }, now)).toBe(false);
  });

  it('snoozes for 1 h, 4 h, or until 09:00 tomorrow local time, also late in the evening and at a month end', () => {
    const evening = new Date(2026, 10, 30, 23, 30);
    const [one, four, morning] = snoozeChoices(evening);
    expect([one.label, four.label, morning.label]).toEqual(['1 h', '4 h', 'until tomorrow 09:00']);
    expect(one.until.getTime() - evening.getTime()).toBe(3600e3);
    expect(four.until.getTime() - evening.getTime()).toBe(4 * 3600e3);
    expect([morning.until.getFullYear(), morning.until.getMonth(), morning.until.getDate(), morning.until.getHours(), morning.until.getMinutes()]).toEqual([2026, 11, 1, 9, 0]);
    const early = snoozeChoices(new Date(2026, 11, 2, 0, 10))[2].until;
    expect([early.getDate(), early.getHours()]).toEqual([3, 9]);
  });
});
