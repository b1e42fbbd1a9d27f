// The 90-day bar: one cell per day, coloured by that day's worst status (grey: no data).
// One tab stop per bar; arrow keys, Home and End move between days; hover or focus shows the
// day's tooltip. Minutes per status come from the history endpoint, fetched on first use.

import { memo, useEffect, useMemo, useRef, useState } from 'react';
import type { History, HistoryDay, Status } from '../api/types';
import { assetPath, get } from '../api/client';
import { byDate, cellClass, dayTooltip, historyCells, type DayCell } from '../lib/history';
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
      onMouseLeave={() => document.activeElement !== barRef.current && setActive(null)}
    >
      <div className="history-cells">
        {cells.map((c, i) => (
          <span
            key={c.date}
            className={cellClass(c.status) + (i === active ? ' cell-active' : '')}
            data-date={c.date}
            onMouseEnter={() => show(i)}
          />
        ))}
      </div>
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
