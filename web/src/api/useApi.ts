// React hook around api.get: loading, data, error and a reload, cancelled on unmount.

import { useCallback, useEffect, useState } from 'react';
import { ApiError, get } from './client';

export interface ApiState<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  reload: () => void;
}

/** `refreshMs`: ask again this often while the page is visible (a status page stays current). */
export function useApi<T>(path: string | null, refreshMs?: number): ApiState<T> {
  const [state, setState] = useState<{ path: string | null; data?: T; error?: ApiError; loading: boolean }>({
    path,
    loading: path !== null,
  });
  const [tick, setTick] = useState(0);

  useEffect(() => {
    if (path === null) {
      setState({ path, loading: false });
      return;
    }
    let live = true;
    setState((s) => ({ path, data: s.path === path ? s.data : undefined, error: s.path === path ? s.error : undefined, loading: true }));
    get<T>(path, tick > 0).then(
      (data) => live && setState({ path, data, loading: false }),
      (error: unknown) =>
        live &&
        setState({
          path,
          error: error instanceof ApiError ? error : new ApiError(0, { title: 'Unexpected error', detail: String(error) }),
          loading: false,
        }),
    );
    return () => {
      live = false;
    };
  }, [path, tick]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  useEffect(() => {
    if (!refreshMs || path === null) return;
    const id = setInterval(() => {
      if (document.visibilityState !== 'hidden') setTick((t) => t + 1);
    }, refreshMs);
    return () => clearInterval(id);
  }, [refreshMs, path]);
  return { data: state.path === path ? state.data : undefined, error: state.error, loading: state.loading, reload };
}
