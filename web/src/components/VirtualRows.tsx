// A window-scrolled, virtualized list: only the rows near the viewport are in the DOM, so
// 10,000 assets scroll as smoothly as ten. Each kind of row has a fixed height (which may depend on
// the screen width): measuring rows as they appear would redo the whole list's layout each time.

import { useWindowVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';

interface Props<R> {
  rows: readonly R[];
  rowKey: (row: R, index: number) => string;
  /** The row's height in pixels; `narrow` is true on phone-sized screens. */
  size: (row: R, narrow: boolean) => number;
  render: (row: R, index: number) => ReactNode;
  onVisible?: (first: number, last: number) => void;
  label: string;
}

const NARROW = '(max-width: 820px)';

function useNarrow(): boolean {
  const [narrow, setNarrow] = useState(() => typeof matchMedia === 'function' && matchMedia(NARROW).matches);
  useEffect(() => {
    if (typeof matchMedia !== 'function') return;
    const m = matchMedia(NARROW);
    const on = () => setNarrow(m.matches);
    m.addEventListener('change', on);
    return () => m.removeEventListener('change', on);
  }, []);
  return narrow;
}

export function VirtualRows<R>({ rows, rowKey, size, render, onVisible, label }: Props<R>) {
  const narrow = useNarrow();
  const listRef = useRef<HTMLDivElement>(null);
  const [margin, setMargin] = useState(0);
  useLayoutEffect(() => {
    const measure = () => setMargin(listRef.current ? listRef.current.getBoundingClientRect().top + window.scrollY : 0);
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(measure);
    ro.observe(document.body);
    return () => ro.disconnect();
  }, []);

  // Stable callbacks: the virtualizer lays out every row again whenever they change identity.
  const fns = useRef({ size, rowKey });
  fns.current = { size, rowKey };
  const estimateSize = useCallback((i: number) => fns.current.size(rows[i], narrow), [rows, narrow]);
  const getItemKey = useCallback((i: number) => fns.current.rowKey(rows[i], i), [rows]);
  const v = useWindowVirtualizer({ count: rows.length, estimateSize, overscan: 8, scrollMargin: margin, getItemKey });
  useLayoutEffect(() => v.measure(), [narrow, v]);
  const items = v.getVirtualItems();
  const first = items.length ? items[0].index : 0;
  const last = items.length ? items[items.length - 1].index : -1;
  useLayoutEffect(() => {
    onVisible?.(first, last);
  }, [first, last, onVisible, rows.length]);

  // Up and down arrows move between rows (group toggles and asset links); Tab still visits everything.
  const onKeyDown = (e: React.KeyboardEvent<HTMLDivElement>) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    const target = e.target as HTMLElement;
    if (target.closest('.history') || target.tagName === 'INPUT' || target.tagName === 'SELECT') return;
    const row = target.closest<HTMLElement>('.vrow');
    if (!row) return;
    const next = Number(row.dataset.index) + (e.key === 'ArrowDown' ? 1 : -1);
    if (next < 0 || next >= rows.length) return;
    e.preventDefault();
    v.scrollToIndex(next, { align: 'auto' });
    requestAnimationFrame(() => {
      const el = listRef.current?.querySelector<HTMLElement>(`.vrow[data-index="${next}"]`);
      el?.querySelector<HTMLElement>('button, a[href]')?.focus();
    });
  };

  return (
    <div ref={listRef} className="vlist" role="list" aria-label={label} style={{ height: v.getTotalSize() }} onKeyDown={onKeyDown}>
      {items.map((it) => (
        <div
          key={it.key}
          role="listitem"
          data-index={it.index}
          className="vrow"
          style={{ height: it.size, transform: `translateY(${it.start - margin}px)` }}
        >
          {render(rows[it.index], it.index)}
        </div>
      ))}
    </div>
  );
}
