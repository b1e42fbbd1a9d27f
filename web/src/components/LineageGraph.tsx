// Lineage around one asset: upstream on the left, downstream on the right, one column per step.
// Nodes are coloured by status (with the status word written in each), root causes are marked,
// and every node links to its asset page. An edge says how the link is known (hover: "via view
// orders"); one known only at explore level is dashed.

import { useMemo } from 'react';
import { Link } from 'react-router-dom';
import type { AssetSummary, Lineage } from '../api/types';
import { DEFAULT_LAYOUT, layoutLineage } from '../lib/lineage';
import { assetUrl } from '../lib/paths';
import { STATUS_LABEL } from '../lib/status';
import { StatusIcon } from './StatusIcon';

const L = DEFAULT_LAYOUT;
const PAD = 12;

function clip(s: string, n: number) {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

export function LineageGraph({ lineage, focus }: { lineage: Lineage; focus: string }) {
  const layout = useMemo(() => layoutLineage<AssetSummary>(lineage.nodes, lineage.edges, focus), [lineage, focus]);
  const roots = useMemo(() => new Set(lineage.root_causes), [lineage.root_causes]);
  const via = useMemo(() => new Map(lineage.edges.map((e) => [`${e.from}>${e.to}`, e.via])), [lineage.edges]);
  const names = useMemo(() => new Map(lineage.nodes.map((n) => [n.key, n.name])), [lineage.nodes]);
  if (!layout.nodes.length || lineage.nodes.length < 2) {
    return <p className="muted">No lineage is known for this asset yet. Lineage comes from dbt and BI connections.</p>;
  }
  const up = layout.nodes.filter((n) => n.level < 0).length;
  const down = layout.nodes.filter((n) => n.level > 0).length;
  const w = layout.width + PAD * 2;
  const h = layout.height + PAD * 2 + 14;
  return (
    <figure className="lineage">
      <div className="lineage-scroll">
        <svg viewBox={`0 0 ${w} ${h}`} width={w} height={h} role="group" aria-label={`Lineage: ${up} upstream, ${down} downstream`}>
          <defs>
            <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
              <path d="M0,0L10,5L0,10z" className="lineage-arrow" />
            </marker>
          </defs>
          <g transform={`translate(${PAD},${PAD + 14})`}>
            {layout.edges.map((e) => {
              const how = via.get(`${e.from}>${e.to}`);
              return (
                <path
                  key={`${e.from}>${e.to}`}
                  d={e.path}
                  className={`lineage-edge${how === 'explore-level' ? ' lineage-edge-loose' : ''}`}
                  markerEnd="url(#arrow)"
                  data-via={how ?? undefined}
                >
                  <title>{`${names.get(e.from)} → ${names.get(e.to)}${how ? ` (via ${how})` : ''}`}</title>
                </path>
              );
            })}
            {layout.nodes.map((n) => {
              const a = n.data;
              const isFocus = n.key === focus;
              const isRoot = roots.has(n.key);
              const cls = `lineage-node lineage-${a.status}${isFocus ? ' lineage-focus' : ''}${isRoot ? ' lineage-root' : ''}`;
              const desc = `${a.name}, ${STATUS_LABEL[a.status]}${isRoot ? ', root cause' : ''}${a.impacted ? ', impacted upstream' : ''}${
                isFocus ? ' (this asset)' : n.level < 0 ? ', upstream' : n.level > 0 ? ', downstream' : ''
              }`;
              return (
                <Link key={n.key} to={assetUrl(n.key)} className={cls} aria-label={desc} data-key={n.key}>
                  <title>{`${a.key}\n${STATUS_LABEL[a.status]}${isRoot ? ' — root cause' : ''}`}</title>
                  <rect x={n.x} y={n.y} width={L.nodeWidth} height={L.nodeHeight} rx={8} className="lineage-box" />
                  <rect x={n.x} y={n.y} width={5} height={L.nodeHeight} rx={2} className="lineage-stripe" />
                  <StatusIconAt status={a.status} x={n.x + 12} y={n.y + 8} />
                  <text x={n.x + 32} y={n.y + 19} className="lineage-name">
                    {clip(a.name, 19)}
                  </text>
                  <text x={n.x + 32} y={n.y + 34} className="lineage-meta">
                    {clip(`${STATUS_LABEL[a.status]} · ${a.kind}`, 24)}
                  </text>
                  {isRoot && (
                    <text x={n.x + 4} y={n.y - 5} className="lineage-root-label">
                      ◆ root cause
                    </text>
                  )}
                </Link>
              );
            })}
          </g>
        </svg>
      </div>
      <figcaption className="muted">
        Data flows left to right. <span className="lineage-key-root">◆ root cause</span>: the nearest late or stale source upstream.
        {lineage.edges.some((e) => e.via === 'explore-level') && ' Dashed: linked only at explore level (every table of the explore).'}
      </figcaption>
    </figure>
  );
}

function StatusIconAt({ status, x, y }: { status: AssetSummary['status']; x: number; y: number }) {
  return (
    <svg x={x} y={y} width={14} height={14} overflow="visible">
      <StatusIcon status={status} size={14} />
    </svg>
  );
}
