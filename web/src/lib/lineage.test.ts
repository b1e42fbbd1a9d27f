import { describe, expect, it } from 'vitest';
import { DEFAULT_LAYOUT, layoutLineage } from './lineage';

const n = (key: string) => ({ key, name: key });
const e = (from: string, to: string) => ({ from, to });

describe('layoutLineage', () => {
  it('puts upstream left, the asset in the middle and downstream right', () => {
    const l = layoutLineage([n('src'), n('stg'), n('mart'), n('dash')], [e('src', 'stg'), e('stg', 'mart'), e('mart', 'dash')], 'stg');
    const level = Object.fromEntries(l.nodes.map((x) => [x.key, x.level]));
    expect(level).toEqual({ src: -1, stg: 0, mart: 1, dash: 2 });
    const col = Object.fromEntries(l.nodes.map((x) => [x.key, x.col]));
    expect(col).toEqual({ src: 0, stg: 1, mart: 2, dash: 3 });
    expect(l.width).toBe(4 * DEFAULT_LAYOUT.nodeWidth + 3 * DEFAULT_LAYOUT.gapX);
  });

  it('uses the longest path so no edge stays inside a column', () => {
    // a → b → focus and a → focus: a must sit left of b.
    const l = layoutLineage([n('a'), n('b'), n('focus')], [e('a', 'b'), e('b', 'focus'), e('a', 'focus')], 'focus');
    const level = Object.fromEntries(l.nodes.map((x) => [x.key, x.level]));
    expect(level).toEqual({ a: -2, b: -1, focus: 0 });
    for (const edge of l.edges) {
      const from = l.nodes.find((x) => x.key === edge.from)!;
      const to = l.nodes.find((x) => x.key === edge.to)!;
      expect(from.col).toBeLessThan(to.col);
    }
  });

  it('places a sibling reached through a shared upstream next to it', () => {
    const l = layoutLineage([n('src'), n('focus'), n('sibling')], [e('src', 'focus'), e('src', 'sibling')], 'focus');
    expect(l.nodes.find((x) => x.key === 'sibling')!.level).toBe(0);
  });

  it('keeps the focus first in its column and centres columns', () => {
    const l = layoutLineage([n('z'), n('a'), n('focus'), n('d')], [e('z', 'focus'), e('a', 'focus'), e('focus', 'd')], 'focus');
    const up = l.nodes.filter((x) => x.level === -1).sort((p, q) => p.row - q.row);
    expect(up.map((x) => x.key)).toEqual(['a', 'z']);
    const focus = l.nodes.find((x) => x.key === 'focus')!;
    expect(focus.y).toBeGreaterThan(0);
    expect(l.height).toBe(2 * DEFAULT_LAYOUT.nodeHeight + DEFAULT_LAYOUT.gapY);
  });

  it('survives cycles, self edges and edges to unknown nodes', () => {
    const l = layoutLineage([n('a'), n('b'), n('c')], [e('a', 'b'), e('b', 'c'), e('c', 'a'), e('a', 'a'), e('a', 'ghost')], 'b');
    expect(l.nodes).toHaveLength(3);
    expect(l.edges.every((x) => x.from !== 'ghost' && x.to !== 'ghost' && x.from !== x.to)).toBe(true);
    expect(l.nodes.every((x) => Number.isFinite(x.x) && Number.isFinite(x.y))).toBe(true);
  });

  it('gives nothing when the asset is not in the graph', () => {
    expect(layoutLineage([n('a')], [], 'missing').nodes).toEqual([]);
  });
});
