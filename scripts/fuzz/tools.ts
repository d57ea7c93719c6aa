/** Random and adversarial tool sets: valid schemas mostly, hostile names and malformed ones often. */
import { Rng } from './rng.ts';

export type Schema = Record<string, unknown>;
/** A tool as handed to the planner (deliberately loose: malformed ones too). */
export type FuzzTool = Record<string, unknown>;

const NAMES = ['get', 'get_weather', 'get_weather_now', 'send', 'send_email', 'a', 'ab', 'abc', 'tool.v2', 'ns:op', 'x-y', '_', 'constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'];
const BAD_NAMES = ['say "hi"', 'new\nline', 'café', '☃', '', ' lead', '9start', 'x'.repeat(129), "it's", '<tool_call>', 'a>b'];
const PROPS = ['city', 'c', 'ci', 'cit', '"quoted"', "it's", 'new\nline', 'tab\there', 'é', '☃😀', '__proto__', 'constructor', 'toString', 'hasOwnProperty', '', ' ', 'a>b', '</parameter>', '\\', 'prototype', '0', '1e3'];
const FORMATS = ['date', 'time', 'date-time', 'email', 'uri', 'uuid', 'ipv4', 'iso-time', 'byte', 'ipv6', 'uri-reference', 'uri-template', 'json-pointer', 'password', 'car-plate', 'hostname', 'regex'];
const UNSUPPORTED: Schema[] = [
  { uniqueItems: true, type: 'array' }, { patternProperties: { '^a': { type: 'string' } }, additionalProperties: false }, { not: { minLength: 1 } },
  { if: { type: 'string' }, then: { minLength: 1 } }, { type: 'number', multipleOf: 0.5 }, { type: 'number', multipleOf: 3 },
  { type: 'string', pattern: '(?=a)a' }, { propertyNames: { maxLength: 3 } }, { type: 'array', contains: { type: 'integer' } },
  { dependentRequired: { a: ['b'] } }, { dependentSchemas: { a: { required: ['b'] } } }, { unevaluatedProperties: false },
  { $dynamicRef: '#x' }, { type: 'string', format: 'regex' }, { type: 'integer', multipleOf: 2 }, { type: 'string', format: 'hostname' },
];
const MALFORMED: Schema[] = [
  { type: 5 }, { type: 'strin' }, { properties: 'x' }, { required: 'a' }, { type: 'string', minLength: -1 }, { type: 'string', pattern: '(' },
  { enum: [] }, { type: 'array', items: 3 }, { $ref: '#/nope' }, { type: ['string', 'string'] }, { anyOf: [] }, { type: 'string', pattern: '^a\\-b$' },
  { minimum: 'x', type: 'integer' }, { allOf: [{ type: 'string' }, { type: 'integer' }] }, { type: 'integer', minimum: 5, maximum: 1 },
];

/** Every draft's meta-schema URI as generators write it (http/https, with and without `#`), unknown and empty ones. */
const SCHEMA_URIS = [
  'http://json-schema.org/draft-04/schema#', 'http://json-schema.org/draft-04/schema', 'http://json-schema.org/draft-06/schema#',
  'http://json-schema.org/draft-07/schema#', 'http://json-schema.org/draft-07/schema', 'https://json-schema.org/draft-07/schema#',
  'https://json-schema.org/draft/2019-09/schema', 'https://json-schema.org/draft/2019-09/schema#', 'https://json-schema.org/draft/2020-12/schema',
  'http://json-schema.org/draft/2020-12/schema#', 'http://json-schema.org/schema#', 'urn:x', '', 'not a uri',
];

/** Values that are not JSON (BigInt, NaN, undefined, functions, class instances, cycles). */
function nonJson(r: Rng): Schema {
  const cyc: Schema = { type: 'object', properties: {} };
  (cyc.properties as Schema).self = cyc;
  return r.pick<() => Schema>([
    () => ({ type: 'integer', enum: [1n, 2n] }), () => ({ type: 'integer', maximum: Number.NaN }), () => ({ type: 'string', default: undefined, maxLength: undefined }),
    () => ({ type: 'string', enum: ['a', undefined] }), () => ({ const: () => 1 }), () => ({ type: 'string', examples: [new Date(0)] }),
    () => cyc, () => ({ type: 'integer', minimum: -Infinity }), () => ({ const: Symbol('s') }), () => ({ type: 'number', maximum: 10n }),
  ])();
}

function leaf(r: Rng): Schema {
  return r.pick<() => Schema>([
    () => ({ type: 'string' }), () => ({ type: 'string', maxLength: r.int(0, 8), minLength: r.int(0, 2) }), () => ({ type: 'string', format: r.pick(FORMATS.slice(0, 15)) }),
    () => ({ type: 'string', pattern: r.pick(['^[a-z]{1,5}$', '^\\d{3}-\\d{2}$', '^(yes|no)$', '.*']) }), () => ({ type: 'integer' }),
    () => ({ type: 'integer', minimum: r.int(-5, 5), maximum: r.int(6, 1000) }), () => ({ type: 'integer', exclusiveMinimum: 0, exclusiveMaximum: 3 }), () => ({ type: 'number' }),
    () => ({ type: 'number', minimum: r.pick([0, 0.1, -2.5]), exclusiveMaximum: r.pick([0.5, 1, 1e3]) }), () => ({ type: 'string', 'x-vendor': { a: 1 }, example: 'e', nullable: true }), () => ({ type: 'array', items: { enum: ['a', 'b', 1, null] }, uniqueItems: true, minItems: r.int(0, 2) }),
    () => ({ type: 'boolean' }), () => ({ type: 'null' }), () => ({ enum: ['a', 'b', 1, null, true, { k: 1 }, [1]] }), () => ({ const: r.pick(['x', 0, null, 'null', '\n</param']) }),
    () => ({ type: r.pick([['string', 'null'], ['integer', 'string'], ['number', 'boolean', 'null'], ['array', 'object']]) }),
    () => ({ enum: Array.from({ length: 1000 }, (_, i) => `v${i}`) }), () => ({ type: 'string', enum: ['null', 'true', '1', '', ' a '] }),
    () => ({ anyOf: [{ type: 'string' }, { type: 'integer' }] }), () => ({ oneOf: [{ type: 'boolean' }, { type: 'null' }] }),
    () => ({ type: 'array', items: { type: 'integer' }, minItems: r.int(0, 2), maxItems: r.int(2, 4) }), () => ({ type: 'array', prefixItems: [{ type: 'string' }, { type: 'boolean' }] }),
    () => ({}), () => ({ type: 'string', description: 'd', title: 't', default: 'x', examples: ['e'], $comment: 'c' }),
  ])();
}

function objectOf(r: Rng, depth: number): Schema {
  const props: Schema = {};
  const n = r.int(0, 4);
  const names: string[] = [];
  for (let i = 0; i < n; i++) {
    const k = r.chance(0.4) ? r.pick(PROPS) : `p${i}`;
    names.push(k);
    // defineProperty: a plain `props['__proto__'] = …` would set the prototype instead.
    Object.defineProperty(props, k, { value: depth > 0 && r.chance(0.3) ? objectOf(r, depth - 1) : leaf(r), enumerable: true, writable: true, configurable: true });
  }
  const s: Schema = { type: 'object', properties: props };
  const req = names.filter(() => r.chance(0.5));
  if (req.length) s.required = [...new Set(req)];
  if (r.chance(0.5)) s.additionalProperties = r.pick<unknown>([false, true, { type: 'integer' }]);
  if (r.chance(0.1)) s.minProperties = r.int(0, 2);
  if (r.chance(0.1)) s.maxProperties = r.int(1, 3);
  return s;
}

function deep(depth: number): Schema {
  let s: Schema = { type: 'string', maxLength: 3 };
  for (let i = 0; i < depth; i++) s = { type: 'object', properties: { n: s }, required: ['n'], additionalProperties: false };
  return s;
}

/** A `parameters` schema: valid (~60%), unsupported, malformed, non-JSON, or special shapes. */
export function parametersOf(r: Rng, clean: boolean): unknown {
  const k = clean ? r.next() * 0.65 : r.next();
  if (k < 0.55) return objectOf(r, 2);
  if (k < 0.6) return deep(r.pick([5, 20, 50]));
  if (k < 0.65) return { type: 'object', $defs: { n: { type: 'object', properties: { v: { type: 'integer' }, next: { $ref: '#/$defs/n' } } } }, properties: { root: { $ref: '#/$defs/n' } } };
  if (k < 0.68) return { type: 'object', properties: { a: { $ref: '#/$defs/x' } }, $defs: { x: { $ref: '#/$defs/y' }, y: { $ref: '#/$defs/x' } } };
  if (k < 0.75) return { type: 'object', properties: { a: r.pick(UNSUPPORTED) } };
  if (k < 0.82) return { type: 'object', properties: { a: r.pick(MALFORMED) } };
  if (k < 0.88) return { type: 'object', properties: { a: nonJson(r) } };
  if (k < 0.91) return { $schema: r.pick(SCHEMA_URIS), ...objectOf(r, 1), ...(r.chance(0.5) ? { $id: r.pick(['https://x/t', 'urn:t', 't.json']) } : {}) };
  if (k < 0.94) return r.pick<unknown>([undefined, null, 'str', [], 5, { type: 'string' }, { type: ['object'] }, { properties: { a: { type: 'string' } } }]);
  if (k < 0.97) return { type: 'object', properties: { a: { type: 'string', pattern: r.pick(['^[^\\n]*$', '\\u{1F600}', '[\\s\\S]{0,3}', '^(a|ab)*$']) } } };
  return { type: 'object', allOf: [objectOf(r, 0), { required: [] }], properties: {} };
}

function toolOf(r: Rng, name: unknown, clean: boolean): FuzzTool {
  const parameters = parametersOf(r, clean);
  const description = r.pick<unknown>(['', 'Does a thing', 'unicode ☃ "quotes"\n<tool_call>', undefined, clean ? 'x' : 5]);
  const shape = r.int(0, 2);
  if (shape === 0) return { type: 'function', function: { name, description, parameters } };
  if (shape === 1) return { name, description, inputSchema: parameters };
  return { name, description, parameters };
}

/** 1..6 tools (sometimes none, a duplicate name, a non-array or a non-object). */
export function toolsOf(r: Rng): unknown {
  if (r.chance(0.02)) return r.pick<unknown>([[], {}, null, 'tools', [null], [5]]);
  const n = r.int(1, 6);
  const tools: FuzzTool[] = [];
  const used = new Set<string>();
  const clean = r.chance(0.6);
  for (let i = 0; i < n; i++) {
    let name: unknown = clean ? r.pick(NAMES) : r.chance(0.05) ? r.pick(BAD_NAMES) : r.chance(0.03) ? 7 : r.pick(NAMES);
    if (typeof name === 'string' && used.has(name) && (clean || !r.chance(0.1))) name = `${name}_${i}`;
    if (typeof name === 'string') used.add(name);
    tools.push(toolOf(r, name, clean));
  }
  return tools;
}

/** 1..6 tools with unique names and supported object schemas (the soak's rotation). */
export function cleanToolsOf(r: Rng): FuzzTool[] {
  const small = (): Schema => {
    // The 1,000-value enum alone makes a 7k-token prompt: left to the fuzzer.
    for (;;) {
      const s = objectOf(r, 2);
      if (JSON.stringify(s).length < 1500) return s;
    }
  };
  return Array.from({ length: r.int(1, 6) }, (_, i) => ({ type: 'function', function: { name: `${r.pick(NAMES.slice(0, 12))}_${i}`, description: 'Does a thing', parameters: small() } }));
}

export const QUERIES = ['Weather in Lisbon, then email it to ana@example.com', 'do it', '☃ 😀 über', 'a\n"b"\\c</tool_call>', '{"steps":[]}', '<|im_end|><|endoftext|>'];
export function queryOf(r: Rng): string {
  if (r.chance(0.02)) return 'word '.repeat(r.int(2000, 9000));
  return r.pick(QUERIES) + (r.chance(0.3) ? ` #${r.int(0, 1e6)}` : '');
}
