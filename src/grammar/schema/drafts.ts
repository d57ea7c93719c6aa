/**
 * Older JSON Schema drafts, read as their authors meant: a schema (or any subschema) that declares
 * `$schema` draft-04, -06, -07 or 2019-09 is rewritten into the 2020-12 form the engine and ajv
 * read, where the drafts differ in meaning:
 * - drafts 04–07: the siblings of `$ref` are ignored (2020-12 applies them);
 * - draft-04: boolean `exclusiveMinimum` / `exclusiveMaximum` modify `minimum` / `maximum`;
 * - drafts 04–2019-09: an array `items` is `prefixItems`, and `additionalItems` is then `items`
 *   (beside a schema `items` it is ignored);
 * - drafts 04–07: `dependencies` is `dependentRequired` (arrays) or `dependentSchemas` (schemas);
 * - draft-04: `id` is `$id`.
 * In any draft, OpenAPI 3.0's `nullable: true` beside `type` adds `"null"` to it, as ajv reads it
 * (ajv throws on `nullable` without `type`; JSON Schema itself knows no `nullable`: dropped there).
 * A schema without `$schema`, or with a URI of no known draft, is read as 2020-12. Schemas that need
 * no change come back as they are (the same object).
 */

export type Draft = 4 | 6 | 7 | 2019 | 2020;

const URIS: [RegExp, Draft][] = [
  [/^https?:\/\/json-schema\.org\/draft-04\/schema#?$/, 4],
  [/^https?:\/\/json-schema\.org\/draft-06\/schema#?$/, 6],
  [/^https?:\/\/json-schema\.org\/draft-07\/schema#?$/, 7],
  [/^https?:\/\/json-schema\.org\/draft\/2019-09\/schema#?$/, 2019],
  [/^https?:\/\/json-schema\.org\/draft\/2020-12\/schema#?$/, 2020],
];

/** The draft a `$schema` URI names (undefined: none known). */
export function draftOf(uri: unknown): Draft | undefined {
  if (typeof uri !== 'string') return undefined;
  return URIS.find(([re]) => re.test(uri))?.[1];
}

const SCHEMA = new Set(['items', 'additionalItems', 'contains', 'additionalProperties', 'propertyNames', 'if', 'then', 'else', 'not', 'unevaluatedItems', 'unevaluatedProperties', 'contentSchema']);
const LIST = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems', 'items']);
const MAP = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas', 'dependencies']);
/** Kept beside a draft-07 `$ref`: they hold schemas other `$ref`s point into, and constrain nothing. */
const CONTAINERS = new Set(['$ref', '$schema', '$id', 'definitions', '$defs', '$comment', 'title', 'description']);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Does any subschema declare a draft other than 2020-12? (The common case, no, copies nothing; a
 * plan schema over 3,000 tools is walked in a few milliseconds: no arrays made per object.)
 */
function mentionsOldDraft(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return false;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (mentionsOldDraft(v[i])) return true;
    return false;
  }
  const o = v as Record<string, unknown>;
  for (const k in o) {
    const x = o[k];
    if (k === '$schema') {
      const d = draftOf(x);
      if (d !== undefined && d !== 2020) return true;
    } else if (k === 'nullable') return true;
    else if (typeof x === 'object' && x !== null && k !== 'enum' && k !== 'const' && k !== 'default' && k !== 'examples' && mentionsOldDraft(x)) return true;
  }
  return false;
}

/** `schema` in 2020-12 form (see the module comment); the same object when nothing differs. */
export function toDraft2020(schema: unknown): unknown {
  return mentionsOldDraft(schema) ? rewrite(schema, 2020) : schema;
}

function rewrite(schema: unknown, inherited: Draft): unknown {
  if (!isObject(schema)) return schema;
  const draft = draftOf(schema.$schema) ?? inherited;
  let s: Record<string, unknown> = { ...schema };
  if (draft <= 7 && '$ref' in s) s = Object.fromEntries(Object.entries(s).filter(([k]) => CONTAINERS.has(k)));
  if ('nullable' in s) {
    if (s.nullable === true && typeof s.type === 'string') s.type = s.type === 'null' ? 'null' : [s.type, 'null'];
    else if (s.nullable === true && Array.isArray(s.type) && !s.type.includes('null')) s.type = [...(s.type as unknown[]), 'null'];
    delete s.nullable;
  }
  if (draft === 4) {
    if ('id' in s && !('$id' in s)) s.$id = s.id;
    delete s.id;
    for (const [ex, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
      if (typeof s[ex] !== 'boolean') continue;
      if (s[ex] === true && typeof s[bound] === 'number') {
        s[ex] = s[bound];
        delete s[bound];
      } else delete s[ex];
    }
  }
  if (draft <= 2019 && 'items' in s) {
    if (Array.isArray(s.items)) {
      s.prefixItems = s.items;
      if ('additionalItems' in s) s.items = s.additionalItems;
      else delete s.items;
    }
    delete s.additionalItems;
  } else if (draft <= 2019) delete s.additionalItems;
  if (draft <= 7 && isObject(s.dependencies)) {
    const required: Record<string, unknown> = {};
    const schemas: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(s.dependencies)) (Array.isArray(v) ? required : schemas)[k] = v;
    delete s.dependencies;
    if (Object.keys(required).length) s.dependentRequired = required;
    if (Object.keys(schemas).length) s.dependentSchemas = schemas;
  }
  for (const [k, v] of Object.entries(s)) {
    if (SCHEMA.has(k) && !Array.isArray(v)) s[k] = rewrite(v, draft);
    else if (LIST.has(k) && Array.isArray(v)) s[k] = v.map((x) => rewrite(x, draft));
    else if (MAP.has(k) && isObject(v)) s[k] = Object.fromEntries(Object.entries(v).map(([n, x]) => [n, rewrite(x, draft)]));
  }
  return s;
}
