/** Which JSON Schema (draft 2020-12) keywords the engine enforces, ignores, or refuses. */

/** Keywords that only annotate: ignored. */
export const ANNOTATIONS = new Set([
  'title',
  'description',
  'default',
  'examples',
  '$comment',
  '$schema',
  'deprecated',
  'readOnly',
  'writeOnly',
  '$defs',
  'definitions',
]);

/** Keywords the engine enforces. */
export const SUPPORTED = new Set([
  'type',
  'enum',
  'const',
  'properties',
  'required',
  'additionalProperties',
  'minProperties',
  'maxProperties',
  'items',
  'prefixItems',
  'minItems',
  'maxItems',
  'uniqueItems', // only `false`, which constrains nothing
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'anyOf',
  'oneOf',
  'allOf',
  '$ref',
  '$id', // only at the document root
]);

export const JSON_TYPES = ['null', 'boolean', 'object', 'array', 'number', 'integer', 'string'] as const;
export type JsonType = (typeof JSON_TYPES)[number];

/** Formats with an exact (or documented, stricter) grammar; see formats.ts. */
export const FORMATS = new Set(['date', 'time', 'date-time', 'email', 'uri', 'uuid', 'ipv4']);
