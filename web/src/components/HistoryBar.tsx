// The 90-day bar: one cell per day, coloured by that day's worst status (grey: no data).
// One tab stop per bar; arrow keys, Home and End move between days; hover or focus shows the
// day's tooltip. Minutes per status come from the history endpoint, fetched on first use.

import { memo, useEffect, useMemo, useRef, useState } from 'react';
import type { History, HistoryDay, Status } from '../api/types';
import { assetPath, get } from '../api/client';
import { byDate, cellCodes, dayTooltip, historyCells, type DayCell } from '../lib/history';
import { useTimezone } from '../lib/context';

interface Props {
  assetKey: string;
  name: string;
  history?: readonly (Status | null)[];
  /** Already fetched detail (the asset page has it); otherwise fetched lazily. */
  days?: readonly HistoryDay[];
  size?: 'sm' | 'lg';
}

export const HistoryBar = memo(function HistoryBar({ assetKey, name, history, days, size = 'sm' }: Props) {
  const tz = useTimezone();
  const cells: DayCell[] = useMemo(() => {
    if (days && days.length) return days.map((d) => ({ date: d.date, status: d.has_data ? d.status : null }));
    return historyCells(history, Date.now(), tz);
  }, [days, history, tz]);
  const [active, setActive] = useState<number | null>(null);
  const [detail, setDetail] = useState<Map<string, HistoryDay> | undefined>(days ? byDate(days) : undefined);
  const wanted = useRef(false);
  const barRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (days) setDetail(byDate(days));
  }, [days]);

  const want = () => {
    if (wanted.current || days) return;
    wanted.current = true;
    get<History>(assetPath(assetKey, `/history?days=${cells.length}`)).then(
      (h) => setDetail(byDate(h.days)),
      () => {
        wanted.current = false;
      },
    );
  };

  const show = (i: number) => {
    want();
    setActive(Math.max(0, Math.min(cells.length - 1, i)));
  };

  const onKey = (e: React.KeyboardEvent) => {
    const i = active ?? cells.length - 1;
    const step = { ArrowLeft: -1, ArrowRight: 1, Home: -cells.length, End: cells.length, PageUp: -7, PageDown: 7 }[e.key];
    if (step !== undefined) {
      e.preventDefault();
      show(i + step);
    } else if (e.key === 'Escape') setActive(null);
  };

  // One handler for the whole bar: the day under the pointer follows from its x position.
  const onMove = (e: React.MouseEvent<SVGSVGElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    if (r.width <= 0) return;
    const i = Math.floor(((e.clientX - r.left) / r.width) * cells.length);
    if (i !== active) show(i);
  };

  // Seven elements per bar instead of ninety: one path per status, one rectangle per day inside it.
  const paths = useMemo(() => {
    const by = new Map<string, string>();
    cells.forEach((c, i) => {
      const k = c.status ?? 'none';
      by.set(k, (by.get(k) ?? '') + `M${i + 0.1} 0h0.8v10h-0.8z`);
    });
    return [...by.entries()];
  }, [cells]);

  const counts = useMemo(() => {
    const c = { fresh: 0, warn: 0, error: 0, unknown: 0, none: 0 };
    for (const cell of cells) c[cell.status ?? 'none']++;
    return c;
  }, [cells]);
  const label =
    `${name}: last ${cells.length} days — ${counts.fresh} fresh, ${counts.warn} late, ${counts.error} stale, ` +
    `${counts.unknown} unknown, ${counts.none} without data. Use arrow keys for each day.`;

  const activeCell = active !== null ? cells[active] : undefined;
  const tipId = `tip-${assetKey}`;
  const lines = activeCell ? dayTooltip(activeCell, detail?.get(activeCell.date)) : [];
  const leftPct = active !== null ? ((active + 0.5) / cells.length) * 100 : 0;

  return (
    <div
      className={`history history-${size}`}
      ref={barRef}
      tabIndex={0}
      role="group"
      aria-label={label}
      aria-describedby={activeCell ? tipId : undefined}
      onKeyDown={onKey}
      onFocus={() => active === null && show(cells.length - 1)}
      onBlur={() => setActive(null)}
      data-active={active ?? undefined}
      data-cells={cellCodes(cells)}
      onMouseLeave={() => document.activeElement !== barRef.current && setActive(null)}
    >
      <svg className="history-cells" viewBox={`0 0 ${cells.length} 10`} preserveAspectRatio="none" onMouseMove={onMove} aria-hidden="true">
        {paths.map(([status, d]) => (
          <path key={status} d={d} className={`fill-${status}`} />
        ))}
        {active !== null && (
          <rect x={active - 0.05} y={0.4} width={0.9} height={9.2} className="cell-outline" vectorEffect="non-scaling-stroke" />
        )}
      </svg>
      {activeCell && (
        <div
          className={`tooltip${leftPct < 20 ? ' tooltip-left' : leftPct > 80 ? ' tooltip-right' : ''}`}
          role="tooltip"
          id={tipId}
          style={{ left: `${leftPct}%` }}
        >
          <strong>{lines[0]}</strong>
          {lines.slice(1).map((l) => (
            <span key={l}>{l}</span>
          ))}
        </div>
      )}
    </div>
  );
});
