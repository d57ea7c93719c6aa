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
  'patternProperties', // beside an additionalProperties that allows keys; refused with false
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
  'dependentRequired',
  'dependencies', // the array form only (dependentRequired); the schema form is refused
  'propertyNames', // true, false, or a const / enum of names; refused otherwise
  'multipleOf', // a positive integer (then the value is an integer); refused otherwise
  'not', // of a type, or of values where the schema is itself a set of values; refused otherwise
  'anyOf',
  'oneOf',
  'allOf',
  '$ref',
  '$id', // only at the document root
]);

export const JSON_TYPES = ['null', 'boolean', 'object', 'array', 'number', 'integer', 'string'] as const;
export type JsonType = (typeof JSON_TYPES)[number];

/**
 * Known assertion keywords the engine does not enforce: refused wherever they are built, in either
 * mode (ajv acts on each of them, so ignoring one could let a plan through that ajv rejects).
 * Every other keyword the engine does not know constrains nothing (JSON Schema says to ignore
 * unknown keywords, and ajv with `strict: false` does): ignored, or refused in strict mode.
 */
export const REFUSED = new Set([
  'if',
  'then',
  'else',
  'dependentSchemas',
  'contains',
  'minContains',
  'maxContains',
  'unevaluatedItems',
  'unevaluatedProperties',
  '$dynamicRef',
  '$recursiveRef',
  '$async',
]);

/** Keywords JSON Schema 2020-12 defines that assert nothing: accepted in strict mode too. */
export const STRICT_ANNOTATIONS = new Set([...ANNOTATIONS, 'contentEncoding', 'contentMediaType', 'contentSchema', '$anchor', '$dynamicAnchor', '$vocabulary']);

/** Does keyword `k` (of a schema that passed the keyword check) constrain the value? */
export const constrains = (k: string): boolean => SUPPORTED.has(k) && k !== '$id';

/** String formats with an exact (or documented, stricter) grammar; see formats.ts. */
export const FORMATS = new Set([
  'date',
  'time',
  'date-time',
  'iso-time',
  'iso-date-time',
  'email',
  'uri',
  'uri-reference',
  'uri-template',
  'uuid',
  'ipv4',
  'ipv6',
  'byte',
  'json-pointer',
  'relative-json-pointer',
]);

/**
 * Formats ajv-formats asserts on strings that the engine has no exact grammar for (lookaheads, a
 * RegExp compile): refused in either mode. Every other unknown format is an annotation to ajv
 * (and to JSON Schema 2020-12 without the format-assertion vocabulary): ignored unless strict.
 */
export const REFUSED_FORMATS = new Set(['regex', 'url', 'hostname', 'duration', 'json-pointer-uri-fragment']);

/**
 * Formats ajv-formats defines that assert nothing on strings: `password` and `binary` accept
 * everything; `int32`, `int64`, `float` and `double` apply to numbers only (see the number node).
 * Accepted in strict mode too.
 */
export const INERT_STRING_FORMATS = new Set(['password', 'binary', 'int32', 'int64', 'float', 'double']);
