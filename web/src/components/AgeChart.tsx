// Data age over the last days: how old the data was at the end of each day (today: now), with
// the policy's late and stale limits as dashed lines. Hover or arrow keys show a day's value.

import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { HistoryDay } from '../api/types';
import { formatDate, formatDuration } from '../lib/time';

const PAD = { left: 56, right: 12, top: 12, bottom: 28 };

export function niceTicks(max: number): number[] {
  const units = [60, 300, 900, 1800, 3600, 2 * 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400, 2 * 86400, 7 * 86400, 14 * 86400, 30 * 86400];
  const step = units.find((u) => max / u <= 4) ?? Math.ceil(max / 4 / 86400) * 86400;
  const ticks = [];
  for (let v = 0; v <= max + 1e-9; v += step) ticks.push(v);
  return ticks;
}

export function AgeChart({ days, limits }: { days: readonly HistoryDay[]; limits: { warn?: number; error?: number } }) {
  const [active, setActive] = useState<number | null>(null);
  // Drawn at the container's own width, so text keeps its size on a phone.
  const box = useRef<HTMLDivElement>(null);
  const [W, setW] = useState(720);
  useLayoutEffect(() => {
    const el = box.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => setW(Math.max(280, Math.round(el.clientWidth - 24))));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const H = W < 500 ? 180 : 220;
  const values = days.map((d) => d.age_seconds);
  const known = values.filter((v): v is number => v != null);
  const top = Math.max(60, ...known, ...(limits.error ? [limits.error * 1.15] : []), ...(limits.warn ? [limits.warn * 1.15] : []));
  const ticks = useMemo(() => niceTicks(top), [top]);
  const yMax = ticks[ticks.length - 1] >= top ? ticks[ticks.length - 1] : top;
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const x = (i: number) => PAD.left + (days.length <= 1 ? innerW : (i / (days.length - 1)) * innerW);
  const y = (v: number) => PAD.top + innerH - (v / yMax) * innerH;

  const segments = useMemo(() => {
    const segs: string[] = [];
    let cur = '';
    values.forEach((v, i) => {
      if (v == null) {
        if (cur) segs.push(cur);
        cur = '';
      } else cur += `${cur ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
    });
    if (cur) segs.push(cur);
    return segs;
  }, [days, yMax, W]);

  if (!known.length)
    return (
      <p className="muted" ref={box}>
        No age recorded in the last {days.length} days.
      </p>
    );

  const now = values[values.length - 1];
  const highest = Math.max(...known);
  const label = `Data age over the last ${days.length} days. ${now != null ? `Now ${formatDuration(now)}. ` : ''}Highest ${formatDuration(highest)}.${
    limits.warn ? ` Late after ${formatDuration(limits.warn)}.` : ''
  }${limits.error ? ` Stale after ${formatDuration(limits.error)}.` : ''} Use arrow keys for each day.`;
  const monthStarts = days
    .map((d, i) => [d.date, i] as const)
    .filter(([d, i]) => (d.endsWith('-01') && i > 0) || (i === 0 && !days.slice(1, 10).some((x) => x.date.endsWith('-01'))));
  const a = active !== null ? days[active] : undefined;

  const pick = (clientX: number, el: SVGSVGElement) => {
    const r = el.getBoundingClientRect();
    const px = ((clientX - r.left) / r.width) * W;
    const i = Math.round(((px - PAD.left) / innerW) * (days.length - 1));
    setActive(Math.max(0, Math.min(days.length - 1, i)));
  };

  return (
    <div className="age-chart" ref={box}>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={label}
        tabIndex={0}
        onMouseMove={(e) => pick(e.clientX, e.currentTarget)}
        onMouseLeave={() => setActive(null)}
        onFocus={() => setActive(days.length - 1)}
        onBlur={() => setActive(null)}
        onKeyDown={(e) => {
          const d = { ArrowLeft: -1, ArrowRight: 1, Home: -days.length, End: days.length }[e.key];
          if (d !== undefined) {
            e.preventDefault();
            setActive((i) => Math.max(0, Math.min(days.length - 1, (i ?? days.length - 1) + d)));
          }
        }}
      >
        {ticks.map((t) => (
          <g key={t} className="chart-grid">
            <line x1={PAD.left} x2={W - PAD.right} y1={y(t)} y2={y(t)} />
            <text x={PAD.left - 8} y={y(t) + 4} textAnchor="end">
              {t === 0 ? '0' : formatDuration(t)}
            </text>
          </g>
        ))}
        {monthStarts.map(([d, i]) => (
          <text key={d} className="chart-axis" x={x(i)} y={H - 8} textAnchor={i === 0 ? 'start' : 'middle'}>
            {formatDate(d).split(' ').slice(1, 3).join(' ')}
          </text>
        ))}
        {limits.warn != null && limits.warn <= yMax && (
          <g className="chart-limit chart-limit-warn">
            <line x1={PAD.left} x2={W - PAD.right} y1={y(limits.warn)} y2={y(limits.warn)} />
            <text x={W - PAD.right} y={y(limits.warn) - 4} textAnchor="end">
              late after {formatDuration(limits.warn)}
            </text>
          </g>
        )}
        {limits.error != null && limits.error <= yMax && (
          <g className="chart-limit chart-limit-error">
            <line x1={PAD.left} x2={W - PAD.right} y1={y(limits.error)} y2={y(limits.error)} />
            <text x={W - PAD.right} y={y(limits.error) - 4} textAnchor="end">
              stale after {formatDuration(limits.error)}
            </text>
          </g>
        )}
        {segments.map((d, i) => (
          <path key={i} d={d} className="chart-line" />
        ))}
        {a && active !== null && (
          <g className="chart-cursor">
            <line x1={x(active)} x2={x(active)} y1={PAD.top} y2={PAD.top + innerH} />
            {a.age_seconds != null && <circle cx={x(active)} cy={y(a.age_seconds)} r={4} />}
          </g>
        )}
      </svg>
      <p className="chart-readout" aria-live="polite">
        {a ? (
          <>
            <strong>{formatDate(a.date)}</strong>: {a.age_seconds != null ? `data ${formatDuration(a.age_seconds)} old at the end of the day` : 'no data'}
          </>
        ) : (
          <span className="muted">
            {now != null ? `Now ${formatDuration(now)} old` : 'No age known today'} · highest {formatDuration(highest)}
          </span>
        )}
      </p>
    </div>
  );
}
