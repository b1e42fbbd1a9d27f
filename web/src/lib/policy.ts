// Policies in words, and the limits the age chart draws.

import type { Rule } from '../api/types';
import { formatDuration } from './time';

const days = (n: number) => `${n} calendar ${n === 1 ? 'day' : 'days'}`;

/** "Late after 6 h, stale after 1 d", "Expected by 0 6 * * * (Europe/Berlin), 30 min grace". */
export function describeRule(rule: Rule | null): string {
  if (!rule) return 'No rule: the asset is only watched, never judged late.';
  switch (rule.type) {
    case 'threshold': {
      const parts = [];
      if (rule.warn_after_seconds != null) parts.push(`late after ${formatDuration(rule.warn_after_seconds)}`);
      if (rule.error_after_seconds != null) parts.push(`stale after ${formatDuration(rule.error_after_seconds)}`);
      return capital(parts.join(', ') || 'no limits');
    }
    case 'calendar':
      return capital(`late after ${days(rule.warn_after_days)}, stale after ${days(rule.error_after_days)}`);
    case 'deadline':
      return `New data expected on schedule “${rule.cron}” (${rule.timezone})${rule.grace_seconds ? `, ${formatDuration(rule.grace_seconds)} grace` : ''}`;
    default:
      return 'Unknown rule';
  }
}

/** The age limits to draw on the age chart, in seconds (calendar days approximated as 24 h). */
export function ruleLimits(rule: Rule | null): { warn?: number; error?: number } {
  if (!rule) return {};
  if (rule.type === 'threshold') return { warn: rule.warn_after_seconds ?? undefined, error: rule.error_after_seconds ?? undefined };
  if (rule.type === 'calendar')
    return { warn: rule.warn_after_days * 86400, error: rule.error_after_days * 86400 };
  return {};
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
