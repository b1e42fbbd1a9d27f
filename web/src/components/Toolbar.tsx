import { useEffect, useId, useState } from 'react';
import { STATUSES, type Status } from '../api/types';
import { STATUS_LABEL } from '../lib/status';
import type { Sort, ViewMode, ViewState } from '../lib/urlState';
import { StatusIcon } from './StatusIcon';

/** A text input that writes to the URL a moment after typing stops. */
function DebouncedInput({ value, onCommit, ...rest }: { value: string; onCommit: (v: string) => void } & Omit<React.InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange'>) {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  useEffect(() => {
    if (text === value) return;
    const t = setTimeout(() => onCommit(text), 250);
    return () => clearTimeout(t);
  }, [text, value, onCommit]);
  return (
    <input
      {...rest}
      value={text}
      onChange={(e) => setText(e.target.value)}
      onKeyDown={(e) => {
        if (e.key === 'Enter') onCommit(text);
      }}
    />
  );
}

const SORT_LABEL: Record<Sort, string> = {
  staleness: 'Stalest first',
  '-staleness': 'Freshest first',
  name: 'Name A–Z',
  '-name': 'Name Z–A',
};

const VIEW_LABEL: Record<ViewMode, string> = { all: 'All assets', broken: 'Late or stale', impacted: 'Impacted by upstream' };

export function Toolbar({ view, update }: { view: ViewState; update: (p: Partial<ViewState>, o?: { replace?: boolean }) => void }) {
  const id = useId();
  const toggle = (s: Status) => update({ status: view.status.includes(s) ? view.status.filter((x) => x !== s) : [...view.status, s] });
  const commitQ = (q: string) => update({ q }, { replace: true });
  const commitOwner = (owner: string) => update({ owner }, { replace: true });
  const commitTag = (tag: string) => update({ tag }, { replace: true });
  const any = view.q || view.status.length || view.owner || view.tag || view.view !== 'all';
  return (
    <div className="toolbar">
      <div className="toolbar-row">
        <div className="search">
          <label htmlFor={`${id}-q`} className="visually-hidden">
            Search assets
          </label>
          <svg viewBox="0 0 20 20" width="16" height="16" aria-hidden="true" className="search-icon">
            <circle cx="8.5" cy="8.5" r="5.5" fill="none" stroke="currentColor" strokeWidth="1.8" />
            <path d="M13 13l4.5 4.5" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" />
          </svg>
          <DebouncedInput id={`${id}-q`} type="search" placeholder="Search assets by name or key" value={view.q} onCommit={commitQ} autoComplete="off" />
        </div>
        <div className="segmented" role="group" aria-label="Show">
          {(Object.keys(VIEW_LABEL) as ViewMode[]).map((m) => (
            <button key={m} type="button" aria-pressed={view.view === m} onClick={() => update({ view: m })}>
              {VIEW_LABEL[m]}
            </button>
          ))}
        </div>
      </div>
      <div className="toolbar-row toolbar-filters">
        <fieldset className="chips">
          <legend className="visually-hidden">Status</legend>
          {STATUSES.map((s) => (
            <label key={s} className={`chip-toggle chip-${s}`}>
              <input type="checkbox" checked={view.status.includes(s)} onChange={() => toggle(s)} />
              <StatusIcon status={s} size={13} />
              {STATUS_LABEL[s]}
            </label>
          ))}
        </fieldset>
        <label className="field">
          <span>Owner</span>
          <DebouncedInput type="text" value={view.owner} onCommit={commitOwner} placeholder="any" autoComplete="off" />
        </label>
        <label className="field">
          <span>Tag</span>
          <DebouncedInput type="text" value={view.tag} onCommit={commitTag} placeholder="any" autoComplete="off" />
        </label>
        <label className="field">
          <span>Sort</span>
          <select value={view.sort} onChange={(e) => update({ sort: e.target.value as Sort })}>
            {(Object.keys(SORT_LABEL) as Sort[]).map((s) => (
              <option key={s} value={s}>
                {SORT_LABEL[s]}
              </option>
            ))}
          </select>
        </label>
        {any ? (
          <button type="button" className="button button-quiet" onClick={() => update({ q: '', status: [], owner: '', tag: '', view: 'all' })}>
            Clear filters
          </button>
        ) : null}
      </div>
    </div>
  );
}
