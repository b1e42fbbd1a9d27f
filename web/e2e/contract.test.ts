// The contract checker itself (e2e/contract.ts), on small documents: closed objects, allOf,
// nullable fields, undocumented statuses and content types, and the document checks.
import { describe, expect, it } from 'vitest';
import { documentProblems, loadContract } from './contract';

const doc = `
openapi: 3.1.0
info: {title: t, version: "1"}
paths:
  /thing:
    get:
      responses:
        "200":
          description: ok
          headers:
            ETag: {schema: {type: string}}
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Detail"}
        "404":
          description: missing
          content:
            application/problem+json:
              schema: {type: object, required: [status], properties: {status: {type: integer}}}
  /text:
    get:
      responses:
        "200": {description: ok, content: {text/plain: {schema: {type: string}}}}
components:
  schemas:
    Item:
      type: object
      required: [key, at]
      properties:
        key: {type: string}
        at: {type: [string, "null"], format: date-time}
        meta: {type: object}
    Stamp: {type: [string, "null"], format: date-time}
    Detail:
      type: object
      required: [item]
      properties:
        item:
          allOf:
            - {$ref: "#/components/schemas/Item"}
            - type: object
              required: [url]
              properties:
                url: {type: [string, "null"]}
                seen:
                  allOf: [{$ref: "#/components/schemas/Stamp"}]
                  description: a reference with its own description
        list: {type: array, items: {$ref: "#/components/schemas/Item"}}
`;

describe('contract', () => {
  const contract = loadContract(doc);
  const ok = { item: { key: 'a', at: null, url: null }, list: [{ key: 'b', at: '2026-11-26T10:28:45.5Z' }] };

  it('accepts a body that matches, with allOf parts merged', () => {
    expect(contract.check('GET', '/thing', 200, 'application/json; charset=utf-8', ok)).toEqual([]);
  });

  it('names undocumented fields, at any depth and inside allOf', () => {
    const body = { ...ok, extra: 1, item: { ...ok.item, secret: 'x' }, list: [{ key: 'b', at: null, meta: { n: 1 } }] };
    expect(contract.check('GET', '/thing', 200, 'application/json', body)).toEqual([
      '/extra: not in the document (the response has 1; schema #/additionalProperties)',
      '/item/secret: not in the document (the response has "x"; schema #/properties/item/additionalProperties)',
      `/list/0/meta/n: not in the document (the response has 1; schema https://freshwatch.invalid/openapi/components#/$defs/Item/properties/meta/additionalProperties)`,
    ]);
  });

  it('names missing required fields, wrong types and formats', () => {
    const body = { item: { key: 3, at: 'yesterday' }, list: [{}] };
    const lines = contract.check('GET', '/thing', 200, 'application/json', body);
    expect(lines).toContain('/item/url: required by the document, missing from the response (schema #/properties/item/required)');
    expect(lines.some((l) => l.startsWith('/item/key: must be string (the response has 3'))).toBe(true);
    expect(lines.some((l) => l.startsWith('/item/at: must match format "date-time" (the response has "yesterday"'))).toBe(true);
    expect(lines.some((l) => l.startsWith('/list/0/key: required by the document'))).toBe(true);
  });

  it('refuses statuses, content types and routes the document does not list', () => {
    expect(contract.check('GET', '/thing', 500, 'application/json', {})).toEqual(['status 500 is not documented for GET /thing']);
    expect(contract.check('GET', '/thing', 404, 'application/json', { status: 404 })).toEqual([
      'content type application/json is not documented for status 404 of GET /thing (documented: application/problem+json)',
    ]);
    expect(contract.check('GET', '/thing', 404, 'application/problem+json', { status: 404 })).toEqual([]);
    expect(contract.check('GET', '/other', 200, 'application/json', {})).toEqual(['GET /other is not in the document']);
  });

  it('checks an allOf around a schema that is not an object as that schema', () => {
    expect(contract.check('GET', '/thing', 200, 'application/json', { item: { ...ok.item, seen: null } })).toEqual([]);
    expect(contract.check('GET', '/thing', 200, 'application/json', { item: { ...ok.item, seen: '2026-11-26T10:00:00Z' } })).toEqual([]);
    const lines = contract.check('GET', '/thing', 200, 'application/json', { item: { ...ok.item, seen: 'soon' } });
    expect(lines.some((l) => l.startsWith('/item/seen: must match format "date-time"'))).toBe(true);
  });

  it('lists JSON GET routes and the ones with an ETag', () => {
    expect(contract.jsonGetRoutes()).toEqual(['/thing']);
    expect(contract.documentsETag('/thing')).toBe(true);
    expect(contract.documentsETag('/text')).toBe(false);
  });

  it('finds problems in the document itself', async () => {
    expect(await documentProblems(doc)).toEqual([]);
    // A comma in an unquoted flow-style description splits it into a stray keyword.
    const broken = doc.replace('key: {type: string}', 'key: {type: string, description: a, b or c}');
    expect(await documentProblems(broken)).toEqual(expect.arrayContaining([
      '/components/schemas/Item: strict mode: unknown keyword: "b or c"',
      '/paths/~1thing/get/responses/200/content/application~1json/schema: strict mode: unknown keyword: "b or c"',
    ]));
    expect((await documentProblems(doc.replace('openapi: 3.1.0', 'openapi: 3.1.0\nwebhooks: 3'))).length).toBeGreaterThan(0);
  });
});
