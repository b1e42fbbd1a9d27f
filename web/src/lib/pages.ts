// Cursor-paged asset lists, shared by the overview and the drill-down: each list is known by its
// query ("/api/v1/assets?parent=…&sort=…"); pages are appended as the user scrolls.

import { useCallback, useRef, useState } from 'react';
import { ApiError, get } from '../api/client';
import type { AssetList, AssetSummary } from '../api/types';

export interface Paged {
  items: AssetSummary[];
  total: number;
  next: string | null;
  loading: boolean;
  error?: ApiError;
  started: boolean;
}

const EMPTY: Paged = { items: [], total: 0, next: null, loading: false, started: false };

export function usePagedLists(pageSize = 500, keep?: (a: AssetSummary) => boolean) {
  const store = useRef(new Map<string, Paged>());
  const [, setVersion] = useState(0);
  const bump = () => setVersion((v) => v + 1);

  const page = useCallback((base: string): Paged => store.current.get(base) ?? EMPTY, []);

  const load = useCallback(
    (base: string, retry = false) => {
      const cur = store.current.get(base) ?? EMPTY;
      if (cur.loading || (cur.error && !retry) || (cur.started && !cur.next && !cur.error)) return;
      const sep = base.includes('?') ? '&' : '?';
      const url = `${base}${sep}limit=${pageSize}${cur.next ? `&cursor=${encodeURIComponent(cur.next)}` : ''}`;
      store.current.set(base, { ...cur, loading: true, error: undefined, started: true });
      bump();
      get<AssetList>(url).then(
        (res) => {
          const prev = store.current.get(base) ?? EMPTY;
          const items = keep ? res.items.filter(keep) : res.items;
          store.current.set(base, {
            items: prev.items.concat(items),
            total: res.total,
            next: res.next_cursor,
            loading: false,
            started: true,
          });
          bump();
        },
        (error: ApiError) => {
          store.current.set(base, { ...(store.current.get(base) ?? EMPTY), loading: false, error, started: true });
          bump();
        },
      );
    },
    [pageSize, keep],
  );

  const reset = useCallback(() => {
    store.current.clear();
    bump();
  }, []);

  return { page, load, reset };
}
