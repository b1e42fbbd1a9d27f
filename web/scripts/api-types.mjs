// The UI's API types come from the API document: this writes src/api/openapi.gen.ts from
// docs/openapi.yaml with openapi-typescript (`npm run api-types`). The file is committed, so
// building needs no generator; `--check` (and src/api/openapi.test.ts) fails when it is not what
// the document gives.

import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import openapiTS, { astToString, COMMENT_HEADER } from 'openapi-typescript';

export const DOCUMENT = new URL('../../docs/openapi.yaml', import.meta.url);
export const OUTPUT = new URL('../src/api/openapi.gen.ts', import.meta.url);

/** The text of src/api/openapi.gen.ts for the document as it is now. */
export async function apiTypes() {
  return COMMENT_HEADER + astToString(await openapiTS(DOCUMENT));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const want = await apiTypes();
  const out = fileURLToPath(OUTPUT);
  if (process.argv.includes('--check')) {
    const have = await readFile(out, 'utf8').catch(() => '');
    if (have !== want) {
      console.error(`${out} is not what docs/openapi.yaml gives; run \`npm run api-types\` and commit it`);
      process.exit(1);
    }
  } else {
    await writeFile(out, want);
    console.log(`wrote ${out}`);
  }
}
