// The committed API types are what docs/openapi.yaml gives (scripts/api-types.mjs).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { apiTypes, OUTPUT } from '../../scripts/api-types.mjs';

describe('openapi.gen.ts', () => {
  it('is up to date with docs/openapi.yaml (run `npm run api-types` after changing the document)', async () => {
    expect(readFileSync(OUTPUT, 'utf8')).toBe(await apiTypes());
  }, 30_000);
});
