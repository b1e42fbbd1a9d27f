// Types of scripts/api-types.mjs, for src/api/openapi.test.ts.
export const DOCUMENT: URL;
export const OUTPUT: URL;
export function apiTypes(): Promise<string>;
