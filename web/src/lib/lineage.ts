// Layered layout of a lineage graph around one asset: upstream columns to the left, downstream to
// the right, one column per step (longest path, so an edge never points backwards or stays in a
// column), rows ordered to keep edges short.

export interface LayoutNode<T> {
  key: string;
  data: T;
  col: number; // 0 = leftmost
  level: number; // negative upstream, 0 the focus, positive downstream
  row: number;
  x: number;
  y: number;
}

export interface LayoutEdge {
  from: string;
  to: string;
  path: string; // SVG path data
}

export interface Layout<T> {
  nodes: LayoutNode<T>[];
  edges: LayoutEdge[];
  width: number;
  height: number;
}

export interface LayoutOptions {
  nodeWidth: number;
  nodeHeight: number;
  gapX: number;
  gapY: number;
}

export const DEFAULT_LAYOUT: LayoutOptions = { nodeWidth: 180, nodeHeight: 44, gapX: 56, gapY: 14 };

export function layoutLineage<T extends { key: string; name?: string }>(
  items: readonly T[],
  rawEdges: readonly { from: string; to: string }[],
  focus: string,
  opt: LayoutOptions = DEFAULT_LAYOUT,
): Layout<T> {
  const byKey = new Map(items.map((n) => [n.key, n]));
  const edges = rawEdges.filter((e) => byKey.has(e.from) && byKey.has(e.to) && e.from !== e.to);
  if (!byKey.has(focus)) return { nodes: [], edges: [], width: 0, height: 0 };

  const out = new Map<string, string[]>();
  const inc = new Map<string, string[]>();
  for (const e of edges) {
    (out.get(e.from) ?? out.set(e.from, []).get(e.from)!).push(e.to);
    (inc.get(e.to) ?? inc.set(e.to, []).get(e.to)!).push(e.from);
  }
  const reach = (start: string, next: Map<string, string[]>) => {
    const seen = new Set([start]);
    const queue = [start];
    while (queue.length) for (const n of next.get(queue.shift()!) ?? []) if (!seen.has(n)) (seen.add(n), queue.push(n));
    return seen;
  };
  const up = reach(focus, inc);
  const down = reach(focus, out);

  const level = new Map<string, number>([[focus, 0]]);
  const limit = items.length + 1;
  // Longest path: relax until stable; a cycle stops at `limit` rounds.
  for (let round = 0, changed = true; changed && round < limit; round++) {
    changed = false;
    for (const e of edges) {
      if (up.has(e.from) && up.has(e.to) && e.from !== focus) {
        const want = (level.get(e.to) ?? 0) - 1;
        if (level.get(e.to) !== undefined && (level.get(e.from) === undefined || want < level.get(e.from)!)) {
          level.set(e.from, Math.max(want, -limit));
          changed = true;
        }
      }
      if (down.has(e.from) && down.has(e.to) && e.to !== focus) {
        const want = (level.get(e.from) ?? 0) + 1;
        if (level.get(e.from) !== undefined && (level.get(e.to) === undefined || want > level.get(e.to)!)) {
          level.set(e.to, Math.min(want, limit));
          changed = true;
        }
      }
    }
  }
  // Anything else (a sibling reached through a shared upstream): next to a placed neighbour.
  for (let round = 0, changed = true; changed && round < limit; round++) {
    changed = false;
    for (const e of edges) {
      const a = level.get(e.from);
      const b = level.get(e.to);
      if (a !== undefined && b === undefined) (level.set(e.to, a + 1), (changed = true));
      else if (b !== undefined && a === undefined) (level.set(e.from, b - 1), (changed = true));
    }
  }
  for (const n of items) if (!level.has(n.key)) level.set(n.key, 0);

  const minLevel = Math.min(...level.values());
  const maxLevel = Math.max(...level.values());
  const columns: string[][] = Array.from({ length: maxLevel - minLevel + 1 }, () => []);
  for (const n of items) columns[level.get(n.key)! - minLevel].push(n.key);

  // Order rows: the focus column keeps the focus first; others by the mean row of their
  // neighbours in the column next to them (towards the focus), then by name.
  const rowOf = new Map<string, number>();
  const focusCol = -minLevel;
  const name = (k: string) => byKey.get(k)!.name ?? k;
  const orderColumn = (c: number, towards: number) => {
    const col = columns[c];
    const score = (k: string) => {
      const ns = [...(out.get(k) ?? []), ...(inc.get(k) ?? [])].filter((n) => level.get(n)! - minLevel === towards && rowOf.has(n));
      return ns.length ? ns.reduce((s, n) => s + rowOf.get(n)!, 0) / ns.length : Number.MAX_SAFE_INTEGER;
    };
    const scores = new Map(col.map((k) => [k, score(k)]));
    col.sort((a, b) => (a === focus ? -1 : b === focus ? 1 : scores.get(a)! - scores.get(b)! || name(a).localeCompare(name(b))));
    col.forEach((k, i) => rowOf.set(k, i));
  };
  orderColumn(focusCol, focusCol);
  for (let c = focusCol - 1; c >= 0; c--) orderColumn(c, c + 1);
  for (let c = focusCol + 1; c < columns.length; c++) orderColumn(c, c - 1);

  const tallest = Math.max(...columns.map((c) => c.length));
  const height = tallest * opt.nodeHeight + (tallest - 1) * opt.gapY;
  const nodes: LayoutNode<T>[] = [];
  const pos = new Map<string, LayoutNode<T>>();
  columns.forEach((col, c) => {
    const colHeight = col.length * opt.nodeHeight + (col.length - 1) * opt.gapY;
    const top = (height - colHeight) / 2;
    col.forEach((k, r) => {
      const node: LayoutNode<T> = {
        key: k,
        data: byKey.get(k)!,
        col: c,
        level: c + minLevel,
        row: r,
        x: c * (opt.nodeWidth + opt.gapX),
        y: top + r * (opt.nodeHeight + opt.gapY),
      };
      nodes.push(node);
      pos.set(k, node);
    });
  });
  const laidEdges: LayoutEdge[] = edges.map((e) => {
    const a = pos.get(e.from)!;
    const b = pos.get(e.to)!;
    const x1 = a.x + opt.nodeWidth;
    const y1 = a.y + opt.nodeHeight / 2;
    const x2 = b.x;
    const y2 = b.y + opt.nodeHeight / 2;
    const mid = (x1 + x2) / 2;
    return { from: e.from, to: e.to, path: `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}` };
  });
  const width = columns.length * opt.nodeWidth + (columns.length - 1) * opt.gapX;
  return { nodes, edges: laidEdges, width, height };
}
