// The overview's whole view lives in the URL, so a link shows someone else the same thing.
//   ?q=orders&status=warn,error&owner=ana&tag=finance&sort=name&view=impacted&open=k1&open=k2

import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import type { AssetSort, Status } from '../api/types';
import { isStatus } from './status';

/** `staleness`: oldest data first (the API's order); `-staleness` the reverse. */
export type Sort = AssetSort;
export type ViewMode = 'all' | 'broken' | 'impacted';

export interface ViewState {
  q: string;
  status: Status[];
  owner: string;
  tag: string;
  sort: Sort;
  view: ViewMode;
  open: string[] | null; // keys of expanded groups; null: the default (every connection open)
}

export const DEFAULT_VIEW: ViewState = { q: '', status: [], owner: '', tag: '', sort: 'staleness', view: 'all', open: null };

const SORTS: Sort[] = ['staleness', '-staleness', 'name', '-name'];
const VIEWS: ViewMode[] = ['all', 'broken', 'impacted'];

function list(v: string | null): string[] {
  return v ? v.split(',').map((s) => s.trim()).filter(Boolean) : [];
}

export function parseView(p: URLSearchParams): ViewState {
  const sort = p.get('sort') as Sort | null;
  const view = p.get('view') as ViewMode | null;
  const status = [...new Set(list(p.get('status')).filter(isStatus))];
  return {
    q: p.get('q') ?? '',
    status,
    owner: p.get('owner') ?? '',
    tag: p.get('tag') ?? '',
    sort: sort && SORTS.includes(sort) ? sort : DEFAULT_VIEW.sort,
    view: view && VIEWS.includes(view) ? view : 'all',
    open: p.has('open') ? [...new Set(p.getAll('open').filter(Boolean))] : null,
  };
}

/** The URL parameters for a view, leaving out defaults so links stay short. */
export function viewToParams(v: ViewState): URLSearchParams {
  const p = new URLSearchParams();
  if (v.q) p.set('q', v.q);
  if (v.status.length) p.set('status', v.status.join(','));
  if (v.owner) p.set('owner', v.owner);
  if (v.tag) p.set('tag', v.tag);
  if (v.sort !== DEFAULT_VIEW.sort) p.set('sort', v.sort);
  if (v.view !== 'all') p.set('view', v.view);
  if (v.open !== null) {
    if (v.open.length === 0) p.set('open', '');
    for (const k of v.open) p.append('open', k);
  }
  return p;
}

/** True when the view narrows the list (then results show flat, not grouped). */
export function isFiltered(v: ViewState): boolean {
  return Boolean(v.q || v.status.length || v.owner || v.tag || v.view !== 'all');
}

export function useViewState(): [ViewState, (patch: Partial<ViewState>, opts?: { replace?: boolean }) => void] {
  const [params, setParams] = useSearchParams();
  const view = useMemo(() => parseView(params), [params]);
  const update = useCallback(
    (patch: Partial<ViewState>, opts?: { replace?: boolean }) => {
      setParams((prev) => viewToParams({ ...parseView(prev), ...patch }), { replace: opts?.replace ?? false });
    },
    [setParams],
  );
  return [view, update];
}
