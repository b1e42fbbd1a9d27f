// Time formatting for people: "3 h ago", "2 d 4 h", exact times with their time zone.

const MIN = 60;
const HOUR = 3600;
const DAY = 86400;

/** A duration in seconds as at most two units: "45 s", "12 min", "3 h 5 min", "2 d 4 h". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < MIN) return `${s} s`;
  if (s < HOUR) return `${Math.floor(s / MIN)} min`;
  if (s < DAY) {
    const h = Math.floor(s / HOUR);
    const m = Math.floor((s % HOUR) / MIN);
    return m && h < 10 ? `${h} h ${m} min` : `${h} h`;
  }
  const d = Math.floor(s / DAY);
  const h = Math.floor((s % DAY) / HOUR);
  return h && d < 10 ? `${d} d ${h} h` : `${d} d`;
}

/** "just now", "3 h ago", "2 d ago"; "in 5 min" for a time in the future. */
export function formatAgo(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return 'never';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return 'unknown time';
  const diff = (now - t) / 1000;
  if (Math.abs(diff) < 45) return 'just now';
  const words = formatDuration(Math.abs(diff)).replace(/ \d+ (min|h)$/, '');
  return diff > 0 ? `${words} ago` : `in ${words}`;
}

// Intl formatters are costly to build and rows render often: keep one per zone and style.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(locale: string, opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const id = `${locale}|${JSON.stringify(opts)}`;
  let f = formatters.get(id);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, opts);
    formatters.set(id, f);
  }
  return f;
}

/** An exact time in the given IANA zone, with the zone's name: "26 Nov 2026, 10:28:45 UTC". */
export function formatExact(iso: string | null | undefined, timeZone?: string): string {
  if (!iso) return 'never';
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return iso;
  const opts: Intl.DateTimeFormatOptions = {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  };
  try {
    return formatter('en-GB', { ...opts, timeZone: timeZone || 'UTC' }).format(t);
  } catch {
    return formatter('en-GB', { ...opts, timeZone: 'UTC' }).format(t);
  }
}

/** Minutes as "1 h 30 min", "24 h", "5 min". */
export function formatMinutes(minutes: number): string {
  const m = Math.round(minutes);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  const r = m % 60;
  return r ? `${h} h ${r} min` : `${h} h`;
}

/** The calendar date ("2026-11-26") of an instant in a time zone. */
export function dateInZone(instant: number, timeZone = 'UTC'): string {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = formatter('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(instant);
  } catch {
    parts = formatter('en-CA', { timeZone: 'UTC', year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(instant);
  }
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** A calendar date moved by a number of days ("2026-03-01", -1 -> "2026-02-28"). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const t = Date.UTC(y, m - 1, d + days);
  return new Date(t).toISOString().slice(0, 10);
}

/** "Thu 26 Nov 2026" for "2026-11-26". */
export function formatDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  return formatter('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(
    Date.UTC(y, m - 1, d),
  );
}
