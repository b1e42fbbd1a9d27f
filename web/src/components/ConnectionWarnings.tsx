import type { ConnectionSummary } from '../api/types';
import { StatusIcon } from './StatusIcon';

/**
 * What a connection's latest successful run wants told (e.g. stale dbt artifacts while the last
 * good state is served), as a calm amber notice: the warning icon and the words, never colour
 * alone. Renders nothing when there are no warnings.
 */
export function ConnectionWarnings({ connection, showName = false }: { connection: Pick<ConnectionSummary, 'name' | 'warnings'>; showName?: boolean }) {
  const warnings = connection.warnings ?? [];
  if (warnings.length === 0) return null;
  return (
    <div className="notice notice-warn" role="status" aria-label={`Warnings for ${connection.name}`}>
      <StatusIcon status="warn" size={15} />
      <div className="notice-text">
        <strong>{showName ? `${connection.name}: ` : ''}Warning{warnings.length > 1 ? 's' : ''}</strong>
        <ul className="notice-list">
          {warnings.map((w, i) => (
            <li key={i}>{w}</li>
          ))}
        </ul>
      </div>
    </div>
  );
}
