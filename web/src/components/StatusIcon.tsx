import type { Status } from '../api/types';
import { STATUS_LABEL } from '../lib/status';

/** A status shape: check (fresh), triangle (late), cross (stale), question mark (unknown). */
export function StatusIcon({ status, size = 16, title }: { status: Status; size?: number; title?: string }) {
  const common = { width: size, height: size, viewBox: '0 0 16 16', className: `icon icon-${status}` };
  const a11y = title ? { role: 'img', 'aria-label': title } : { 'aria-hidden': true };
  switch (status) {
    case 'fresh':
      return (
        <svg {...common} {...a11y}>
          <circle cx="8" cy="8" r="7.5" fill="currentColor" />
          <path d="M4.6 8.3l2.3 2.3 4.5-4.7" fill="none" stroke="var(--icon-fg)" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
      );
    case 'warn':
      return (
        <svg {...common} {...a11y}>
          <path d="M8 1.2L15.3 14.3H0.7Z" fill="currentColor" strokeLinejoin="round" />
          <path d="M8 6v4" stroke="var(--icon-fg)" strokeWidth="1.7" strokeLinecap="round" />
          <circle cx="8" cy="12.2" r="0.95" fill="var(--icon-fg)" />
        </svg>
      );
    case 'error':
      return (
        <svg {...common} {...a11y}>
          <path d="M5 0.7h6L15.3 5v6L11 15.3H5L0.7 11V5Z" fill="currentColor" />
          <path d="M5.6 5.6l4.8 4.8M10.4 5.6l-4.8 4.8" stroke="var(--icon-fg)" strokeWidth="1.8" strokeLinecap="round" />
        </svg>
      );
    default:
      return (
        <svg {...common} {...a11y}>
          <circle cx="8" cy="8" r="7.5" fill="currentColor" />
          <path d="M6.1 6.2a2 2 0 1 1 2.6 1.9c-.5.2-.7.5-.7 1v.4" fill="none" stroke="var(--icon-fg)" strokeWidth="1.6" strokeLinecap="round" />
          <circle cx="8" cy="11.8" r="0.95" fill="var(--icon-fg)" />
        </svg>
      );
  }
}

/** Icon and word together, so colour is never the only cue. */
export function StatusBadge({ status, size = 'md', label }: { status: Status; size?: 'sm' | 'md' | 'lg'; label?: string }) {
  return (
    <span className={`badge badge-${status} badge-${size}`} data-status={status}>
      <StatusIcon status={status} size={size === 'lg' ? 22 : size === 'sm' ? 13 : 15} />
      <span className="badge-text">{label ?? STATUS_LABEL[status]}</span>
    </span>
  );
}
