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
  label: string; // relative to the connection: "analytics.public", "Shared / Finance / Revenue"
  /** It also holds child groups (a folder with dashboards and Looks): list only its own assets. */
  mixed: boolean;
}

/** Assets directly in a group, not in any of its child groups. */
export function directCount(n: TreeNode): number {
  return n.counts.total - n.children.reduce((s, c) => s + c.counts.total, 0);
}

/**
 * A connection's groups that hold assets, in tree order: its innermost containers (schemas,
 * folders, dashboards), and any container with assets of its own beside its child groups (a
 * Looker folder with dashboards and Looks), before those child groups.
 */
export function leafGroups(connection: TreeNode): Group[] {
  const out: Group[] = [];
  const walk = (n: TreeNode, prefix: string) => {
    for (const c of n.children) {
      const sep = c.kind === 'folder' || c.kind === 'dashboard' ? ' / ' : '.';
      const label = prefix ? `${prefix}${sep}${c.name}` : c.name;
      if (c.children.length === 0) out.push({ node: c, label, mixed: false });
      else {
        if (directCount(c) > 0) out.push({ node: c, label, mixed: true });
        walk(c, label);
      }
    }
  };
  walk(connection, '');
  return out;
}

/** Kinds judged on the data that flows into them (their data time), not on a change of their own. */
const CONSUMERS = new Set(['tile', 'look', 'exposure', 'dashboard']);
export const isConsumer = (kind: string) => CONSUMERS.has(kind);

/** Where a group opens: a dashboard on its own page (tiles with their sources), others in the drill-down. */
export const groupUrl = (n: Pick<TreeNode, 'key' | 'kind'>) => (n.kind === 'dashboard' ? assetUrl(n.key) : browseUrl(n.key));

/** A key as people name it in a sentence: "raw.orders" for "warehouse:analytics.raw.orders". */
export function shortName(key: string): string {
  const inner = key.slice(key.indexOf(':') + 1);
  return inner.split('.').slice(-2).join('.') || key;
}
