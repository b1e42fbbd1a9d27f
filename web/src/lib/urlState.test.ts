import { describe, expect, it } from 'vitest';
import { DEFAULT_VIEW, isFiltered, parseView, viewToParams } from './urlState';

describe('URL state', () => {
  it('reads every part of the view', () => {
    const v = parseView(
      new URLSearchParams('q=orders&status=warn,error&owner=ana&tag=finance&sort=name&view=impacted&open=warehouse&open=warehouse%3Aanalytics.raw'),
    );
    expect(v).toEqual({
      q: 'orders',
      status: ['warn', 'error'],
      owner: 'ana',
      tag: 'finance',
      sort: 'name',
      view: 'impacted',
      open: ['warehouse', 'warehouse:analytics.raw'],
    });
  });

  it('uses defaults for missing or invalid values', () => {
    expect(parseView(new URLSearchParams(''))).toEqual(DEFAULT_VIEW);
    const v = parseView(new URLSearchParams('status=bogus,fresh,fresh&sort=random&view=weird'));
    expect(v.status).toEqual(['fresh']);
    expect(v.sort).toBe(DEFAULT_VIEW.sort);
    expect(v.view).toBe('all');
  });

  it('round-trips and leaves defaults out of the URL', () => {
    expect(viewToParams(DEFAULT_VIEW).toString()).toBe('');
    const v = { ...DEFAULT_VIEW, q: 'a b', status: ['error' as const], open: ['lake:zone_1'] };
    const p = viewToParams(v);
    expect(p.toString()).toBe('q=a+b&status=error&open=lake%3Azone_1');
    expect(parseView(p)).toEqual(v);
  });

  it('tells "every group closed" apart from "the default"', () => {
    const closed = viewToParams({ ...DEFAULT_VIEW, open: [] });
    expect(closed.toString()).toBe('open=');
    expect(parseView(closed).open).toEqual([]);
    expect(parseView(new URLSearchParams('')).open).toBeNull();
  });

  it('knows when a view narrows the list', () => {
    expect(isFiltered(DEFAULT_VIEW)).toBe(false);
    expect(isFiltered({ ...DEFAULT_VIEW, open: ['x'], sort: 'name' })).toBe(false);
    expect(isFiltered({ ...DEFAULT_VIEW, tag: 'x' })).toBe(true);
    expect(isFiltered({ ...DEFAULT_VIEW, view: 'broken' })).toBe(true);
  });
});
