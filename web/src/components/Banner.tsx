import type { Summary } from '../api/types';
import { StatusIcon } from './StatusIcon';
import { Ago } from './Time';

const TONE: Record<string, string> = {
  fresh: 'Every asset changed within its policy.',
  warn: 'Some data is late; nothing has passed its error limit yet.',
  error: 'Some data is stale: it is older than its policy allows.',
  unknown: 'Some assets could not be judged: no data or a failed collection.',
};

/** The overall state in colour, shape and words, like the top of a public status page. */
export function Banner({ summary }: { summary: Summary }) {
  return (
    <section className={`banner banner-${summary.overall}`} aria-labelledby="banner-title" data-status={summary.overall}>
      <StatusIcon status={summary.overall} size={30} />
      <div className="banner-text">
        <h1 id="banner-title" className="banner-title">
          {summary.message}
        </h1>
        <p className="banner-sub">
          {TONE[summary.overall]} <Ago iso={summary.generated_at} prefix="Checked" />
        </p>
      </div>
    </section>
  );
}
