import type { ReactNode } from 'react';
import type { ApiError } from '../api/client';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state state-empty">
      <p className="state-title">{title}</p>
      {children && <div className="state-body">{children}</div>}
    </div>
  );
}

/** An API failure with the problem document's title and detail, and a way to try again. */
export function ErrorState({ error, onRetry, what }: { error: ApiError; onRetry?: () => void; what?: string }) {
  const p = error.problem;
  return (
    <div className="state state-error" role="alert">
      <p className="state-title">
        {what ? `Could not load ${what}` : 'Something went wrong'}
        {p.status ? <span className="muted"> · {p.status} {p.title}</span> : p.title ? <span className="muted"> · {p.title}</span> : null}
      </p>
      {p.detail && <p className="state-body">{p.detail}</p>}
      {onRetry && (
        <button type="button" className="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
