// A window-scrolled, virtualized list: only the rows near the viewport are in the DOM, so
// 10,000 assets scroll as smoothly as ten. Rows may have different heights (measured).

import { useWindowVirtualizer } from '@tanstack/react-virtual';
import { useLayoutEffect, useRef, useState, type ReactNode } from 'react';

interface Props<R> {
  rows: readonly R[];
  rowKey: (row: R, index: number) => string;
  estimate: (row: R) => number;
  render: (row: R, index: number) => ReactNode;
  onVisible?: (first: number, last: number) => void;
  label: string;
}

export function VirtualRows<R>({ rows, rowKey, estimate, render, onVisible, label }: Props<R>) {
  const listRef = useRef<HTMLDivElement>(null);
  const [margin, setMargin] = useState(0);
  useLayoutEffect(() => {
    const measure = () => setMargin(listRef.current ? listRef.current.getBoundingClientRect().top + window.scrollY : 0);
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(document.body);
    return () => ro.disconnect();
  }, []);

  const v = useWindowVirtualizer({
    count: rows.length,
    estimateSize: (i) => estimate(rows[i]),
    overscan: 8,
    scrollMargin: margin,
    getItemKey: (i) => rowKey(rows[i], i),
  });
  const items = v.getVirtualItems();
  const first = items.length ? items[0].index : 0;
  const last = items.length ? items[items.length - 1].index : -1;
  useLayoutEffect(() => {
    onVisible?.(first, last);
  }, [first, last, onVisible, rows.length]);

  return (
    <div ref={listRef} className="vlist" role="list" aria-label={label} style={{ height: v.getTotalSize() }}>
      {items.map((it) => (
        <div
          key={it.key}
          role="listitem"
          data-index={it.index}
          ref={v.measureElement}
          className="vrow"
          style={{ transform: `translateY(${it.start - margin}px)` }}
        >
          {render(rows[it.index], it.index)}
        </div>
      ))}
    </div>
  );
}
