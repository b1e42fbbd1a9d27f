import { describe, expect, it } from 'vitest';
import { describeRule, ruleLimits } from './policy';
import { countsPhrase, severity, tilesPhrase, worst } from './status';
import { directCount, findPath, groupUrl, isConsumer, leafGroups, locationOf } from './paths';
import type { AssetKind, TreeNode } from '../api/types';

describe('policies in words', () => {
  it('describes each rule type', () => {
    expect(describeRule({ type: 'threshold', warn_after_seconds: 6 * 3600, error_after_seconds: 86400 })).toBe('Late after 6 h, stale after 1 d');
    expect(describeRule({ type: 'calendar', warn_after_days: 1, error_after_days: 2 })).toBe('Late after 1 calendar day, stale after 2 calendar days');
    expect(describeRule({ type: 'deadline', cron: '0 6 * * *', timezone: 'Europe/Berlin', grace_seconds: 1800 })).toBe(
      'New data expected on schedule “0 6 * * *” (Europe/Berlin), 30 min grace',
    );
    expect(describeRule(null)).toMatch(/No rule/);
  });
  it('gives the chart its limits', () => {
    expect(ruleLimits({ type: 'threshold', warn_after_seconds: 60, error_after_seconds: null })).toEqual({ warn: 60, error: undefined });
    expect(ruleLimits({ type: 'calendar', warn_after_days: 1, error_after_days: 3 })).toEqual({ warn: 86400, error: 3 * 86400 });
    expect(ruleLimits({ type: 'deadline', cron: '* * * * *', timezone: 'UTC', grace_seconds: 0 })).toEqual({});
  });
});

describe('status helpers', () => {
  it('orders statuses fresh < unknown < warn < error', () => {
    expect(severity('fresh')).toBeLessThan(severity('unknown'));
    expect(severity('unknown')).toBeLessThan(severity('warn'));
    expect(worst(['fresh', 'unknown', 'warn'])).toBe('warn');
    expect(worst(['error', 'fresh'])).toBe('error');
    expect(worst([])).toBe('fresh');
  });
  it('phrases counts', () => {
    expect(countsPhrase({ fresh: 5, warn: 2, error: 1, unknown: 0, total: 8 })).toBe('1 stale, 2 late of 8');
    expect(countsPhrase({ fresh: 5, warn: 0, error: 0, unknown: 0, total: 5 })).toBe('all 5 fresh');
    expect(countsPhrase({ fresh: 0, warn: 0, error: 0, unknown: 0, total: 0 })).toBe('empty');
    expect(tilesPhrase({ fresh: 5, warn: 2, error: 1, unknown: 0, total: 8 })).toBe('1 stale, 2 late of 8 tiles');
    expect(tilesPhrase({ fresh: 1, warn: 0, error: 0, unknown: 0, total: 1 })).toBe('1 tile, fresh');
    expect(tilesPhrase({ fresh: 4, warn: 0, error: 0, unknown: 0, total: 4 })).toBe('all 4 tiles fresh');
    expect(tilesPhrase({ fresh: 0, warn: 0, error: 0, unknown: 0, total: 0 })).toBe('no tiles');
  });
});

const node = (key: string, name: string, kind: AssetKind, children: TreeNode[] = []): TreeNode => ({
  key,
  name,
  kind,
  status: 'fresh',
  counts: { fresh: 0, warn: 0, error: 0, unknown: 0, total: 0 },
  children,
});

describe('hierarchy paths', () => {
  const tree = [
    node('wh', 'wh', 'connection', [node('wh:db', 'db', 'database', [node('wh:db.raw', 'raw', 'schema'), node('wh:db.marts', 'marts', 'schema')])]),
    node('lite', 'lite', 'connection'),
  ];
  it('finds the path to a node', () => {
    expect(findPath(tree, 'wh:db.marts').map((x) => x.key)).toEqual(['wh', 'wh:db', 'wh:db.marts']);
    expect(findPath(tree, 'nope')).toEqual([]);
  });
  it("lists a connection's innermost groups with their relative names", () => {
    expect(leafGroups(tree[0]).map((g) => g.label)).toEqual(['db.raw', 'db.marts']);
    expect(leafGroups(tree[1])).toEqual([]);
  });
  it('lists a Looker folder that holds Looks beside its dashboards, before them, and names BI levels with slashes', () => {
    const c = (total: number) => ({ fresh: total, warn: 0, error: 0, unknown: 0, total });
    const dash = { ...node('lk:s.f.rev', 'Revenue', 'dashboard'), counts: c(4) };
    const empty = { ...node('lk:s.f.old', 'Old', 'dashboard'), counts: c(0) };
    const finance = { ...node('lk:s.f', 'Finance', 'folder', [dash, empty]), counts: c(6) };
    const onlyDashboards = { ...node('lk:s.m', 'Marketing', 'folder', [{ ...dash, key: 'lk:s.m.f' }]), counts: c(4) };
    const lk = node('lk', 'lk', 'connection', [{ ...node('lk:s', 'Shared', 'folder', [finance, onlyDashboards]), counts: c(10) }]);
    expect(directCount(finance)).toBe(2);
    expect(leafGroups(lk).map((g) => [g.label, g.mixed])).toEqual([
      ['Shared / Finance', true],
      ['Shared / Finance / Revenue', false],
      ['Shared / Finance / Old', false],
      ['Shared / Marketing / Revenue', false],
    ]);
    expect(groupUrl(dash)).toBe('/assets/lk%3As.f.rev');
    expect(groupUrl(finance)).toBe('/browse/lk%3As.f');
    expect(['tile', 'look', 'dashboard', 'exposure', 'table', 'model'].map(isConsumer)).toEqual([true, true, true, true, false, false]);
  });
  it('names where an asset lives', () => {
    expect(locationOf({ connection: 'wh', parent: 'wh:db.raw' })).toBe('wh › db.raw');
    expect(locationOf({ connection: 'wh', parent: 'wh' })).toBe('wh');
    expect(locationOf({ connection: 'wh', parent: null })).toBe('wh');
  });
});
