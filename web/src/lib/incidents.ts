// Incident vocabulary shared by the overview, the incident pages and the asset page: routes,
// words for kinds, events and states, and the snooze choices.

import type { Incident, IncidentEvent, IncidentState } from '../api/types';

export const incidentUrl = (id: string) => `/incidents/${encodeURIComponent(id)}`;

export const INCIDENT_STATES: readonly IncidentState[] = ['any', 'open', 'resolved'];

/** The state filter from `?state=`: open, resolved, or any (the default: open and recent). */
export function incidentState(raw: string | null): IncidentState {
  return raw === 'open' || raw === 'resolved' ? raw : 'any';
}

export const KIND_LABEL: Record<Incident['kind'], string> = {
  stale: 'late or stale data',
  unknown: 'collection failed',
};

export const EVENT_LABEL: Record<IncidentEvent['type'], string> = {
  'incident.opened': 'Opened',
  'incident.updated': 'Updated',
  'incident.resolved': 'Resolved',
  'incident.reminder': 'Reminder sent',
};

/** Whether a snooze is still in force at `now`. */
export function isSnoozed(i: Pick<Incident, 'status' | 'snoozed_until'>, now: number = Date.now()): boolean {
  return i.status === 'open' && !!i.snoozed_until && Date.parse(i.snoozed_until) > now;
}

/** "1 impacted asset", "12 impacted assets", "no impact downstream". */
export function impactPhrase(count: number): string {
  if (!count) return 'no impact downstream';
  return `${count} impacted ${count === 1 ? 'asset' : 'assets'}`;
}

export interface SnoozeChoice {
  label: string;
  until: Date;
}

/** Snooze for 1 h, for 4 h, or until 09:00 tomorrow in the browser's own time zone. */
export function snoozeChoices(now: Date = new Date()): SnoozeChoice[] {
  const tomorrow = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1, 9, 0, 0, 0);
  return [
    { label: '1 h', until: new Date(now.getTime() + 3600e3) },
    { label: '4 h', until: new Date(now.getTime() + 4 * 3600e3) },
    { label: 'until tomorrow 09:00', until: tomorrow },
  ];
}
