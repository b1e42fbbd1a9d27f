// An asset's description and the link to it in its own tool (dbt docs, Looker), under its heading.

export function AssetIntro({ asset }: { asset: { url?: string | null; description?: string | null } }) {
  return (
    <>
      {asset.description && <p className="description">{asset.description}</p>}
      {asset.url && (
        <p>
          <a href={asset.url} target="_blank" rel="noreferrer noopener">
            Open in its own tool ↗
          </a>
        </p>
      )}
    </>
  );
}
