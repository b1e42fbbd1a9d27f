// Client routes and display paths for assets.

import type { AssetSummary, TreeNode } from '../api/types';

export const assetUrl = (key: string) => `/assets/${encodeURIComponent(key)}`;
export const browseUrl = (key?: string) => (key ? `/browse/${encodeURIComponent(key)}` : '/browse');

const CONTAINERS = new Set(['connection', 'database', 'schema', 'project', 'package', 'folder']);
export const isContainer = (kind: string) => CONTAINERS.has(kind);

/** Where an asset sits, for lists that mix groups: "warehouse › analytics.public". */
export function locationOf(a: Pick<AssetSummary, 'connection' | 'parent'>): string {
  const parent = a.parent ?? '';
  const i = parent.indexOf(':');
  const inner = i >= 0 ? parent.slice(i + 1) : '';
  return inner ? `${a.connection} › ${inner}` : a.connection;
}

/** The path from a root to the node with `key`, both included; empty when absent. */
export function findPath(nodes: readonly TreeNode[], key: string): TreeNode[] {
  for (const n of nodes) {
    if (n.key === key) return [n];
    const sub = findPath(n.children, key);
    if (sub.length) return [n, ...sub];
  }
  return [];
}

export interface Group {
  node: TreeNode;
  label: string; // relative to the connection: "analytics.public"
}

/** A connection's innermost containers (schemas, folders), which hold the assets, in tree order. */
export function leafGroups(connection: TreeNode): Group[] {
  const out: Group[] = [];
  const walk = (n: TreeNode, prefix: string) => {
    for (const c of n.children) {
      const label = prefix ? `${prefix}.${c.name}` : c.name;
      if (c.children.length === 0) out.push({ node: c, label });
      else walk(c, label);
    }
  };
  walk(connection, '');
  return out;
}

/** A key as people name it in a sentence: "raw.orders" for "warehouse:analytics.raw.orders". */
export function shortName(key: string): string {
  const inner = key.slice(key.indexOf(':') + 1);
  return inner.split('.').slice(-2).join('.') || key;
}
