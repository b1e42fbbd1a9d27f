// Types of the freshwatch HTTP API v1 (docs/openapi.yaml is the reference).

export type Status = 'fresh' | 'warn' | 'error' | 'unknown';
export const STATUSES: readonly Status[] = ['fresh', 'warn', 'error', 'unknown'];

export interface Counts {
  fresh: number;
  warn: number;
  error: number;
  unknown: number;
  total: number;
}

export interface ConnectionSummary {
  name: string;
  type: string;
  last_run: string | null;
  last_success: string | null;
  next_run: string | null;
  error: string | null;
  asset_count: number;
  /** What the latest successful run wants told; empty after a clean or a failed run. */
  warnings: string[];
}

export interface Summary {
  generated_at: string;
  version: string;
  timezone: string;
  overall: Status;
  message: string;
  counts: Counts;
  impacted: number;
  connections: ConnectionSummary[];
}

export interface AssetSummary {
  key: string;
  name: string;
  kind: string;
  parent: string | null;
  connection: string;
  owner: string | null;
  tags: string[];
  status: Status;
  changed_at: string | null;
  age_seconds: number | null;
  signal: string | null;
  policy: string | null;
  reason: string | null;
  error: string | null;
  impacted: boolean;
  counts?: Counts;
  history: (Status | null)[];
}

export interface AssetList {
  items: AssetSummary[];
  next_cursor: string | null;
  total: number;
}

export type Rule =
  | { type: 'calendar'; warn_after_days: number | null; error_after_days: number | null }
  | { type: 'threshold'; warn_after_seconds: number | null; error_after_seconds: number | null }
  | { type: 'deadline'; cron: string; timezone: string; grace_seconds: number | null };

export interface Observation {
  signal: string;
  observed_at: string | null;
  changed_at: string | null;
  evidence: string | null;
  row_count: number | null;
  error: string | null;
  decided: boolean;
}

export interface Interval {
  status: Status;
  from: string;
  to: string | null;
  reason: string | null;
}

export interface AssetRef {
  key: string;
  name: string;
  kind: string;
}

export interface AssetDetail {
  asset: AssetSummary & { description?: string | null; url?: string | null };
  policy: { name: string | null; origin: string | null; rule: Rule | null } | null;
  observations: Observation[];
  intervals: Interval[];
  ancestors: AssetRef[];
  children: AssetSummary[];
  root_causes: AssetSummary[];
  upstream: AssetSummary[];
  downstream: AssetSummary[];
}

export interface HistoryDay {
  date: string;
  has_data: boolean;
  status: Status | null;
  minutes: { fresh: number; warn: number; error: number; unknown: number };
  age_seconds: number | null;
}

export interface History {
  key: string;
  timezone: string;
  days: HistoryDay[];
}

export interface TreeNode {
  key: string;
  name: string;
  kind: string;
  status: Status;
  counts: Counts;
  children: TreeNode[];
}

export interface Lineage {
  nodes: AssetSummary[];
  edges: { from: string; to: string }[];
  root_causes: string[];
}

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
}
