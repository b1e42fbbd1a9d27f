// The API contract as a checker: docs/openapi.yaml read once, the document itself validated
// (the OpenAPI 3.1 schema, then every JSON Schema compiled by Ajv in strict mode), and response
// bodies validated against the schema the document gives for their route, status and content
// type. Objects are closed: a schema that lists properties but says nothing of others is checked
// as if it said `additionalProperties: false`, so an undocumented field fails the check. Used by
// e2e/api-contract.spec.ts; holds no state besides the compiled validators.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { Validator as OpenApiValidator } from '@seriousme/openapi-schema-validator';
import { parse } from 'yaml';

// ajv-formats is CommonJS; under Node's ESM loader its function is the module's default export.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as typeof addFormatsModule;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Schema = { [key: string]: Json };

export const DOCUMENT_PATH = fileURLToPath(new URL('../../docs/openapi.yaml', import.meta.url));
export const documentText = (): string => readFileSync(DOCUMENT_PATH, 'utf8');

const COMPONENTS_ID = 'https://freshwatch.invalid/openapi/components';
const LOCAL_REF = '#/components/schemas/';

function isObject(x: unknown): x is Schema {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isObjectSchema(s: Schema): boolean {
  const t = s.type;
  return t === 'object' || (Array.isArray(t) && t.includes('object')) || 'properties' in s;
}

/**
 * A closed copy of `schema`: every object schema without a word on other properties gets
 * `additionalProperties: false`; an `allOf` of object schemas becomes one object with the union
 * of their properties (closing each part alone would refuse the other parts' properties);
 * `#/components/schemas/X` refers to the closed copy registered under COMPONENTS_ID.
 */
export function closed(schema: Json, components: Schema): Json {
  if (Array.isArray(schema)) return schema.map((s) => closed(s, components));
  if (!isObject(schema)) return schema;
  if (typeof schema.$ref === 'string') {
    if (!schema.$ref.startsWith(LOCAL_REF)) throw new Error(`unsupported $ref '${schema.$ref}'`);
    return { ...schema, $ref: `${COMPONENTS_ID}#/$defs/${schema.$ref.slice(LOCAL_REF.length)}` };
  }
  let s: Schema = { ...schema };
  const resolve = (part: Json) => (isObject(part) && typeof part.$ref === 'string' ? components[part.$ref.slice(LOCAL_REF.length)] : part);
  // An allOf of schemas that are not objects (a $ref given its own description) constrains
  // nothing a closed object could refuse: it stays an allOf of closed parts.
  const plainAllOf = Array.isArray(s.allOf) && s.allOf.every((part) => isObject(resolve(part)) && !isObjectSchema(resolve(part) as Schema));
  if (Array.isArray(s.allOf) && !plainAllOf) {
    const parts = s.allOf.map((part) => {
      const resolved = resolve(part);
      if (!isObject(resolved) || !isObjectSchema(resolved) || 'allOf' in resolved)
        throw new Error(`allOf of something other than plain object schemas: ${JSON.stringify(part)}`);
      return resolved;
    });
    const { allOf: _, ...rest } = s;
    s = {
      ...rest,
      type: 'object',
      properties: Object.assign({}, ...parts.map((p) => p.properties ?? {})),
      required: [...new Set(parts.flatMap((p) => (Array.isArray(p.required) ? p.required : [])))],
    };
  }
  const out: Schema = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === 'properties' || k === '$defs' || k === 'patternProperties') {
      out[k] = Object.fromEntries(Object.entries(v as Schema).map(([name, sub]) => [name, closed(sub, components)]));
    } else if (['items', 'additionalProperties', 'unevaluatedProperties', 'not', 'contains', 'if', 'then', 'else'].includes(k)) {
      out[k] = closed(v, components);
    } else if (['oneOf', 'anyOf', 'allOf', 'prefixItems'].includes(k)) {
      out[k] = (v as Json[]).map((sub) => closed(sub, components));
    } else {
      out[k] = v;
    }
  }
  if (isObjectSchema(out) && !('additionalProperties' in out) && !('unevaluatedProperties' in out)) out.additionalProperties = false;
  return out;
}

function closedComponents(components: Schema): Schema {
  const defs = Object.fromEntries(Object.entries(components).map(([name, s]) => [name, closed(s, components)]));
  return { $id: COMPONENTS_ID, $defs: defs };
}

function newAjv(): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormats(ajv);
  ajv.addKeyword('example'); // OpenAPI's own annotation (the 3.1 dialect allows it in schemas)
  return ajv;
}

export interface Contract {
  doc: Schema;
  /** What is wrong with the body of a response to `method path` (the documented path template). */
  check(method: string, template: string, status: number, contentType: string, body: unknown): string[];
  /** GET routes of the document whose 200 response is JSON. */
  jsonGetRoutes(): string[];
  /** Whether the route documents an ETag header on its 200 response. */
  documentsETag(template: string): boolean;
}

function pointerGet(value: unknown, pointer: string): unknown {
  let at = value;
  for (const part of pointer.split('/').slice(1)) {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    at = (at as Record<string, unknown> | undefined)?.[key];
  }
  return at;
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? 'undefined' : text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

/** One line per Ajv error, in terms of the response: where, what it holds, what the document says. */
export function describe(errors: ErrorObject[], body: unknown): string[] {
  const lines = new Set<string>();
  for (const e of errors) {
    const at = e.instancePath || '(body)';
    const p = e.params as Record<string, unknown>;
    if (e.keyword === 'additionalProperties') {
      const field = `${e.instancePath}/${String(p.additionalProperty)}`;
      lines.add(`${field}: not in the document (the response has ${show(pointerGet(body, field))}; schema ${e.schemaPath})`);
    } else if (e.keyword === 'required') {
      lines.add(`${e.instancePath}/${String(p.missingProperty)}: required by the document, missing from the response (schema ${e.schemaPath})`);
    } else {
      lines.add(`${at}: ${e.message} (the response has ${show(pointerGet(body, e.instancePath))}; schema ${e.schemaPath})`);
    }
  }
  return [...lines];
}

export function loadContract(text = documentText()): Contract {
  const doc = parse(text) as Schema;
  const components = ((doc.components as Schema | undefined)?.schemas ?? {}) as Schema;
  const ajv = newAjv();
  ajv.addSchema(closedComponents(components));
  const paths = doc.paths as Record<string, Record<string, Schema>>;
  const compiled = new Map<string, ValidateFunction>();

  const responseOf = (method: string, template: string, status: number): Schema | undefined => {
    const op = paths[template]?.[method.toLowerCase()];
    const responses = op?.responses as Record<string, Schema> | undefined;
    let r = responses?.[String(status)] ?? responses?.default;
    if (r && typeof r.$ref === 'string') {
      const name = r.$ref.replace('#/components/responses/', '');
      r = ((doc.components as Schema).responses as Record<string, Schema>)[name];
    }
    return r;
  };

  return {
    doc,
    check(method, template, status, contentType, body) {
      if (!paths[template]?.[method.toLowerCase()]) return [`${method} ${template} is not in the document`];
      const response = responseOf(method, template, status);
      if (!response) return [`status ${status} is not documented for ${method} ${template}`];
      const content = response.content as Record<string, Schema> | undefined;
      const type = contentType.split(';')[0].trim();
      if (!content) return body === undefined || body === '' ? [] : [`status ${status} of ${method} ${template} is documented without a body, got ${type}`];
      const media = content[type];
      if (!media) return [`content type ${type} is not documented for status ${status} of ${method} ${template} (documented: ${Object.keys(content).join(', ')})`];
      const id = `${method} ${template} ${status} ${type}`;
      let validate = compiled.get(id);
      if (!validate) {
        validate = ajv.compile(closed(media.schema ?? {}, components) as Schema);
        compiled.set(id, validate);
      }
      return validate(body) ? [] : describe(validate.errors ?? [], body);
    },
    jsonGetRoutes() {
      return Object.keys(paths).filter((t) => Boolean((responseOf('get', t, 200)?.content as Schema | undefined)?.['application/json']));
    },
    documentsETag(template) {
      const ok = responseOf('get', template, 200);
      return Boolean((ok?.headers as Schema | undefined)?.ETag);
    },
  };
}

/** What is wrong with the document itself: its OpenAPI 3.1 form, then its schemas as JSON Schema. */
export async function documentProblems(text = documentText()): Promise<string[]> {
  const problems: string[] = [];
  const validator = new OpenApiValidator();
  const res = await validator.validate(parse(text));
  if (!res.valid) {
    const errors = typeof res.errors === 'string' ? [res.errors] : (res.errors ?? []);
    for (const e of errors) problems.push(typeof e === 'string' ? e : `${e.instancePath || '(document)'}: ${e.message} ${JSON.stringify(e.params)}`);
    return problems;
  }
  const doc = parse(text) as Schema;
  const components = ((doc.components as Schema | undefined)?.schemas ?? {}) as Schema;
  const ajv = newAjv();
  ajv.addSchema(closedComponents(components));
  for (const name of Object.keys(components)) {
    try {
      ajv.getSchema(`${COMPONENTS_ID}#/$defs/${name}`);
    } catch (e) {
      problems.push(`/components/schemas/${name}: ${(e as Error).message}`);
    }
  }
  const walk = (where: string, value: unknown) => {
    if (!isObject(value)) return;
    if (isObject(value.schema) && (where.includes('/content/') || where.includes('/parameters/') || where.includes('/headers/'))) {
      try {
        ajv.compile(closed(value.schema, components) as Schema);
      } catch (e) {
        problems.push(`${where}/schema: ${(e as Error).message}`);
      }
    }
    for (const [k, v] of Object.entries(value)) if (k !== 'schema') walk(`${where}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, v);
    if (Array.isArray(value.parameters)) value.parameters.forEach((p, i) => walk(`${where}/parameters/${i}`, p));
  };
  walk('', { paths: doc.paths, components: { responses: (doc.components as Schema).responses, headers: (doc.components as Schema).headers, parameters: (doc.components as Schema).parameters } });
  return problems;
}
