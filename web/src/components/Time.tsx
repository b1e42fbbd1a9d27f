import { formatAgo, formatExact } from '../lib/time';
import { useTimezone } from '../lib/context';

/** "3 h ago", with the exact time and time zone on hover and for screen readers. */
export function Ago({ iso, prefix }: { iso: string | null | undefined; prefix?: string }) {
  const tz = useTimezone();
  if (!iso) return <span className="muted">{prefix ? `${prefix} never` : 'never'}</span>;
  const exact = formatExact(iso, tz);
  return (
    <time dateTime={iso} title={exact} className="ago">
      {prefix ? `${prefix} ` : ''}
      {formatAgo(iso)}
    </time>
  );
}
