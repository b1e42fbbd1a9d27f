import { Link } from 'react-router-dom';
import { assetUrl, browseUrl, isContainer } from '../lib/paths';

export interface Crumb {
  key: string;
  name: string;
  kind: string;
}

/** Overview › connection › database › schema › here. The last crumb is the current page. */
export function Breadcrumbs({ trail, current }: { trail: Crumb[]; current?: string }) {
  return (
    <nav aria-label="Breadcrumb" className="breadcrumbs">
      <ol>
        <li>
          <Link to="/browse">All connections</Link>
        </li>
        {trail.map((c) => (
          <li key={c.key}>
            <Link to={isContainer(c.kind) ? browseUrl(c.key) : assetUrl(c.key)} title={c.kind}>
              {c.name}
            </Link>
          </li>
        ))}
        {current && (
          <li>
            <span aria-current="page">{current}</span>
          </li>
        )}
      </ol>
    </nav>
  );
}
