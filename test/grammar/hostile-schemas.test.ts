/**
 * Schemas the lazy engine used to accept but a JSON Schema validator (ajv, as the planner's final
 * re-validation runs it) refuses: checkSchema now checks the whole document (plain JSON, 2020-12
 * well-formedness, `u`-flag patterns) with typed errors, pointers and keywords; the XML parameter
 * format refuses names and raw literals it cannot write and read back.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkSchema, compileGrammar, InvalidSchemaError, SchemaError, UnsupportedSchemaError, xmlParametersNode } from '../../src/grammar/index.ts';
import { smallVocabulary } from '../helpers/small-vocab.ts';

const obj = (extra: Record<string, unknown>) => ({ type: 'object', ...extra });
const prop = (schema: unknown) => obj({ properties: { a: schema } });

/** The SchemaError `fn` throws (failing the test when it throws none or another kind). */
function schemaErrorOf(fn: () => unknown): SchemaError & { keyword?: string } {
  try {
    fn();
  } catch (e) {
    if (e instanceof SchemaError) return e;
    throw e;
  }
  throw new Error('no SchemaError thrown');
}

describe('unused $defs / definitions entries are checked', () => {
  it.each([
    ['$defs: { x: { type: 5 } }', obj({ $defs: { x: { type: 5 } } }), '/$defs/x/type', 'type'],
    ["$defs: { x: 'nope' }", obj({ $defs: { x: 'nope' } }), '/$defs/x', undefined],
    ["$defs: 'nope'", obj({ $defs: 'nope' }), '/$defs', '$defs'],
    ['definitions: { x: { minLength: -1 } }', obj({ definitions: { x: { minLength: -1 } } }), '/definitions/x/minLength', 'minLength'],
    ['a nested $defs', obj({ $defs: { x: { $defs: { y: { required: 'a' } } } } }), '/$defs/x/$defs/y/required', 'required'],
    ['not: 5', obj({ $defs: { x: { not: 5 } } }), '/$defs/x/not', undefined],
    ['items: [{}] (not 2020-12)', obj({ $defs: { x: { items: [{}] } } }), '/$defs/x/items', undefined],
    ['multipleOf: 0', obj({ $defs: { x: { multipleOf: 0 } } }), '/$defs/x/multipleOf', 'multipleOf'],
    ['title: 5', obj({ $defs: { x: { title: 5 } } }), '/$defs/x/title', 'title'],
    ['a dangling $ref', obj({ $defs: { x: { $ref: '#/nowhere' } } }), '/$defs/x/$ref', '$ref'],
    ['a bad % escape in a $ref', obj({ $defs: { x: { $ref: '#/%zz' } } }), '/$defs/x/$ref', '$ref'],
    ['an anchor defined twice', obj({ $defs: { x: { $anchor: 'a' }, y: { $anchor: 'a' } } }), '/$defs/y/$anchor', '$anchor'],
    ['dependentRequired with a repeat', obj({ $defs: { x: { dependentRequired: { a: ['b', 'b'] } } } }), '/$defs/x/dependentRequired', 'dependentRequired'],
  ])('%s: InvalidSchemaError', (_, schema, pointer, keyword) => {
    const e = schemaErrorOf(() => checkSchema(schema));
    expect(e).toBeInstanceOf(InvalidSchemaError);
    expect(e.pointer).toBe(pointer);
    expect(e.keyword).toBe(keyword);
  });

  it('a nested $id or a non-local $ref anywhere is refused as unsupported (the engine resolves against the root only)', () => {
    expect(schemaErrorOf(() => checkSchema(obj({ $defs: { x: { $id: 'https://e.com/x' } } })))).toMatchObject({ name: 'UnsupportedSchemaError', pointer: '/$defs/x/$id', keyword: '$id' });
    expect(schemaErrorOf(() => checkSchema(obj({ $defs: { x: { $ref: 'https://e.com/x' } } })))).toMatchObject({ name: 'UnsupportedSchemaError', pointer: '/$defs/x/$ref' });
  });

  it('well-formed unused entries pass, even with keywords the engine would refuse where used', () => {
    for (const s of [obj({ $defs: { x: { not: {} }, y: true, z: false } }), obj({ definitions: { x: { multipleOf: 2, $anchor: 'x' } } })]) {
      expect(() => checkSchema(s)).not.toThrow();
    }
  });

  it('parts no value reaches (properties under type: "string") are checked too', () => {
    const e = schemaErrorOf(() => checkSchema(prop({ type: 'string', properties: { b: { $ref: '#/nope' } } })));
    expect(e).toMatchObject({ pointer: '/properties/a/properties/b/$ref', keyword: '$ref' });
    // A $ref target outside any schema position is checked as a schema when referred to.
    const viaDefault = obj({ properties: { a: { $ref: '#/properties/b/default' }, b: { default: { enum: [] } } } });
    expect(schemaErrorOf(() => checkSchema(viaDefault))).toMatchObject({ pointer: '/properties/b/default/enum', keyword: 'enum' });
  });
});

describe('patterns compile as ECMAScript regexes with the u flag', () => {
  const vocab = smallVocabulary();
  it.each(['^a\\-b$', '\\_', 'a{', ']', '\\c', '(?<a>x)(?<a>y)', '\\u{110000}'])('%s is an InvalidSchemaError naming the pattern, wherever it is', (p) => {
    for (const [schema, pointer] of [
      [prop({ type: 'string', pattern: p }), '/properties/a/pattern'],
      [prop({ type: 'integer', pattern: p }), '/properties/a/pattern'], // no string allowed: ajv compiles it anyway
      [obj({ $defs: { x: { pattern: p } } }), '/$defs/x/pattern'],
    ] as const) {
      const e = schemaErrorOf(() => checkSchema(schema));
      expect(e).toBeInstanceOf(InvalidSchemaError);
      expect(e).toMatchObject({ pointer, keyword: 'pattern' });
      expect(e.message).toContain(JSON.stringify(p));
    }
    // compileGrammar (the engine on its own) refuses it the same way where it builds the node.
    expect(schemaErrorOf(() => compileGrammar(prop({ type: 'integer', pattern: p }), vocab))).toMatchObject({ pointer: '/properties/a/pattern', keyword: 'pattern' });
  });

  it('patternProperties keys too; valid u-mode patterns (\\- inside a class, a bare -) still compile', () => {
    expect(schemaErrorOf(() => checkSchema(obj({ $defs: { x: { patternProperties: { '\\-': {} } } } })))).toMatchObject({ pointer: '/$defs/x/patternProperties/\\-', keyword: 'patternProperties' });
    for (const p of ['^[a\\-z]+$', '^a-b$', '^\\d{2}\\.\\d$', '^[\\w.+-]+$']) expect(() => checkSchema(prop({ type: 'string', pattern: p })), p).not.toThrow();
  });
});

describe('duplicates and empty enums (the meta-schema and ajv refuse them)', () => {
  it.each([
    ["required: ['a', 'a']", obj({ properties: { a: {} }, required: ['a', 'a'] }), '/required', 'required'],
    ["type: ['string', 'string']", prop({ type: ['string', 'string'] }), '/properties/a/type', 'type'],
    ['enum: [] in an anyOf branch', prop({ anyOf: [{ enum: [] }, { type: 'string' }] }), '/properties/a/anyOf/0/enum', 'enum'],
    ['enum: [] in a oneOf branch', prop({ oneOf: [{ type: 'string' }, { enum: [] }] }), '/properties/a/oneOf/1/enum', 'enum'],
    ['enum: [] next to const', prop({ const: 'x', enum: [] }), '/properties/a/enum', 'enum'],
    ['prefixItems: []', prop({ type: 'array', prefixItems: [] }), '/properties/a/prefixItems', 'prefixItems'],
  ])('%s', (_, schema, pointer, keyword) => {
    const e = schemaErrorOf(() => checkSchema(schema));
    expect(e).toBeInstanceOf(InvalidSchemaError);
    expect(e).toMatchObject({ pointer, keyword });
  });

  it('allOf branches whose enums do not meet are unsatisfiable, not malformed', () => {
    expect(() => checkSchema(prop({ allOf: [{ enum: ['a'] }, { enum: ['b'] }] }))).not.toThrow(InvalidSchemaError);
  });
});

class Point {
  x = 1;
}

describe('non-JSON values anywhere are InvalidSchemaErrors with a pointer', () => {
  const cyclic: Record<string, unknown> = { type: 'object', properties: {} };
  (cyclic.properties as Record<string, unknown>).self = cyclic;
  const getter = Object.defineProperty({ type: 'object' }, 'title', { get: () => 't', enumerable: true });
  const hidden = Object.defineProperty({ type: 'object' }, 'required', { value: ['a'], enumerable: false });
  const named = Object.assign(['a'], { extra: 1 });
  it.each([
    ['enum: [undefined]', prop({ enum: [undefined] }), '/properties/a/enum/0'],
    ['a BigInt const', prop({ const: 1n }), '/properties/a/const'],
    ['NaN', prop({ type: 'integer', maximum: NaN }), '/properties/a/maximum'],
    ['Infinity', prop({ type: 'integer', minimum: -Infinity }), '/properties/a/minimum'],
    ['a function', prop({ default: () => 1 }), '/properties/a/default'],
    ['a symbol', prop({ const: Symbol('s') }), '/properties/a/const'],
    ['a Date', prop({ const: new Date(0) }), '/properties/a/const'],
    ['a Map', prop({ enum: [new Map()] }), '/properties/a/enum/0'],
    ['a class instance', prop({ const: new Point() }), '/properties/a/const'],
    ['a cycle', cyclic, '/properties/self'],
    // eslint-disable-next-line no-sparse-arrays
    ['a sparse array', prop({ enum: ['x', , 'y'] }), '/properties/a/enum'],
    ['an array with a named member', prop({ enum: named }), '/properties/a/enum'],
    ['a getter', getter, '/title'],
    ['a non-enumerable key', hidden, '/required'],
    ['a symbol key', { type: 'object', [Symbol('k')]: 1 }, ''],
    ['undefined in a nested object', prop({ type: 'string', description: undefined }), '/properties/a/description'],
  ])('%s', (_, schema, pointer) => {
    const e = schemaErrorOf(() => checkSchema(schema));
    expect(e).toBeInstanceOf(InvalidSchemaError);
    expect(e.pointer).toBe(pointer);
    expect(e.message).toMatch(/not JSON/);
  });

  it('a schema nested too deep is refused, not a stack overflow', () => {
    let s: unknown = { type: 'string' };
    for (let i = 0; i < 5000; i++) s = { type: 'object', properties: { a: s } };
    expect(schemaErrorOf(() => checkSchema(s)).message).toMatch(/nested deeper than/);
  });

  it('shared (not cyclic) subschemas, null prototypes and -0 are plain JSON', () => {
    const shared = { type: 'string' };
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { type: 'integer', minimum: -0 });
    expect(() => checkSchema(obj({ properties: { a: shared, b: shared, c: bare } }))).not.toThrow();
  });

  it("zod 4's z.toJSONSchema output (its Standard Schema interface hidden as `~standard`) is plain JSON", () => {
    const schema = z.toJSONSchema(z.object({ city: z.string().max(12), days: z.number().int().min(1).max(9) }));
    expect(Object.getOwnPropertyDescriptor(schema, '~standard')?.enumerable).toBe(false);
    expect(() => checkSchema(schema)).not.toThrow();
    const hiddenFn = Object.defineProperty(obj({ properties: { a: { type: 'string' } } }), 'x-hook', { value: () => 1, enumerable: false });
    expect(() => checkSchema(hiddenFn)).not.toThrow();
  });
});

describe('XML parameters: names and raw literals that cannot be written and read back', () => {
  it.each(['a>b', 'a\nb', '\ud800x'])('a parameter named %j is refused, naming it', (name) => {
    const schema = obj({ properties: { [name]: { type: 'string' } } });
    checkSchema(schema); // fine as JSON
    const e = schemaErrorOf(() => xmlParametersNode(schema));
    expect(e).toBeInstanceOf(UnsupportedSchemaError);
    expect(e).toMatchObject({ keyword: 'properties', pointer: `/properties/${name}` });
  });

  it.each([
    ['const', { const: 'x\n</parameter>' }, '/properties/a'],
    ['enum', { enum: ['ok', 'x\n</parameter>\nmore'] }, '/properties/a'],
    ['const', { anyOf: [{ type: 'string', maxLength: 3 }, { const: 'x\r\n</parameter>\n' }] }, '/properties/a/anyOf/1'],
    ['enum', { enum: ['\udc00', 1] }, '/properties/a'],
  ])('a raw %s value holding the terminator or a lone surrogate is refused', (keyword, schema, pointer) => {
    const e = schemaErrorOf(() => xmlParametersNode(prop(schema)));
    expect(e).toBeInstanceOf(UnsupportedSchemaError);
    expect(e).toMatchObject({ keyword, pointer });
  });

  it('names with <, =, spaces or none, and literals with </function> or a JSON-written newline are fine', () => {
    const schema = obj({
      properties: { 'a<b': {}, 'a=b': {}, 'a b': {}, '': {}, c: { const: '</function>\n</tool_call>' }, d: { enum: [{ t: '\n</parameter>\n' }] }, e: { type: 'string' } },
    });
    expect(xmlParametersNode(schema).props).toHaveLength(7);
  });
});
