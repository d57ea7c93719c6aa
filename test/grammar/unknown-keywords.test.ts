/**
 * What constrains nothing is ignored (unknown and vendor keywords, unknown formats, as JSON Schema
 * and ajv read them); `strict` refuses it; known assertions the engine does not enforce are
 * refused either way, with their JSON pointer.
 */
import { describe, expect, it } from 'vitest';
import { checkSchema, compileGrammar, UnsupportedSchemaError } from '../../src/grammar/index.ts';
import { allowedTokens } from '../helpers/drive.ts';
import { smallVocabulary } from '../helpers/small-vocab.ts';

const vocab = smallVocabulary();
const enc = new TextEncoder();

/** The allowed tokens before each token of `text`, and whether the walk completes. */
function masksAlong(schema: unknown, text: string, strict = false): string[] {
  const m = compileGrammar(schema, vocab, { strict }).matcher({ maxTokens: 400 });
  const mask = vocab.allocateMask();
  const out: string[] = [];
  for (const t of vocab.tokenize(enc.encode(text))) {
    m.fillMask(mask);
    out.push(allowedTokens(mask, vocab.size).join(','));
    m.accept(t);
  }
  out.push(String(m.isComplete()));
  return out;
}

function unsupported(fn: () => unknown): UnsupportedSchemaError {
  try {
    fn();
  } catch (e) {
    if (e instanceof UnsupportedSchemaError) return e;
    throw e;
  }
  throw new Error('no UnsupportedSchemaError thrown');
}

const PLAIN = {
  type: 'object',
  properties: {
    city: { type: 'string', maxLength: 12 },
    days: { type: 'integer', minimum: 1, maximum: 14 },
    units: { enum: ['metric', 'imperial'] },
  },
  required: ['city'],
};
/** The same schema with what real-world schemas carry beside it (OpenAPI, vendor, draft-04). */
const DECORATED = {
  id: 'weather',
  'x-order': 1,
  javaName: 'Weather',
  type: 'object',
  properties: {
    city: { type: 'string', maxLength: 12, example: 'Lisbon', readonly: true, esriDocumentation: { a: 1 } },
    days: { type: 'integer', minimum: 1, maximum: 14, $default: 3, format: 'int32' },
    units: { enum: ['metric', 'imperial'], 'x-enum-varnames': ['M', 'I'] },
  },
  required: ['city'],
  discriminator: { propertyName: 'units' },
};

describe('unknown keywords constrain nothing', () => {
  it('a decorated schema gives the same masks at every step as the plain one', () => {
    for (const text of ['{"city":"Lisbon","days":3,"units":"metric"}', '{"city":"x","extra":[1,{"a":null}]}', '{"city":""}']) {
      expect(masksAlong(DECORATED, text)).toEqual(masksAlong(PLAIN, text));
      expect(masksAlong(PLAIN, text).at(-1)).toBe('true');
    }
  });

  it('strict refuses each of them, naming the keyword and its pointer', () => {
    expect(unsupported(() => checkSchema(DECORATED, { strict: true }))).toMatchObject({ keyword: 'id', pointer: '/id' });
    const e = unsupported(() => compileGrammar({ type: 'string', example: 'a' }, vocab, { strict: true }));
    expect(e).toMatchObject({ keyword: 'example', pointer: '/example' });
    expect(unsupported(() => checkSchema({ properties: { a: { type: 'string', format: 'car-plate' } } }, { strict: true }))).toMatchObject({
      keyword: 'format',
      pointer: '/properties/a/format',
    });
    // Annotations of JSON Schema 2020-12, and formats that assert nothing on strings, pass in strict mode too.
    expect(() =>
      checkSchema({ title: 't', $comment: 'c', type: 'string', contentMediaType: 'text/plain', contentEncoding: 'base64', $anchor: 'x', format: 'password', deprecated: true }, { strict: true }),
    ).not.toThrow();
  });

  it('strict and lax readings are cached apart', () => {
    const schema = { type: 'string', 'x-hint': 1 };
    expect(() => compileGrammar(schema, vocab)).not.toThrow();
    expect(() => compileGrammar(schema, vocab, { strict: true })).toThrow(UnsupportedSchemaError);
    checkSchema(schema); // registers the lax reading for this object
    expect(() => checkSchema(schema, { strict: true })).toThrow(UnsupportedSchemaError);
  });

  it('unknown formats are annotations: any string; int32 / int64 on numbers are integers (int32 in 32 bits)', () => {
    const free = masksAlong({ type: 'string' }, '"a b"');
    expect(masksAlong({ type: 'string', format: 'car-plate' }, '"a b"')).toEqual(free);
    expect(masksAlong({ type: 'string', format: 'int64' }, '"a b"')).toEqual(free);
    expect(masksAlong({ type: 'integer', format: 'int32' }, '2147483647').at(-1)).toBe('true');
    expect(() => masksAlong({ type: 'integer', format: 'int32' }, '2147483648')).toThrow();
    expect(() => masksAlong({ type: 'number', format: 'int32' }, '1.5')).toThrow();
    expect(masksAlong({ type: 'number', format: 'int64' }, '-12').at(-1)).toBe('true');
    expect(masksAlong({ type: 'number', format: 'double' }, '1.5').at(-1)).toBe('true');
  });

  it('known assertions left unenforced, and formats ajv-formats asserts without a grammar here, are refused in both modes', () => {
    for (const strict of [false, true]) {
      for (const [schema, keyword, pointer] of [
        [{ type: 'object', properties: { a: { propertyNames: { maxLength: 2 } } } }, 'propertyNames', '/properties/a/propertyNames'],
        [{ if: { type: 'string' }, then: { minLength: 1 } }, 'if', '/if'],
        [{ type: 'array', contains: { const: 1 } }, 'contains', '/contains'],
        [{ type: 'integer', multipleOf: 0.5 }, 'multipleOf', '/multipleOf'],
        [{ type: 'object', unevaluatedProperties: false }, 'unevaluatedProperties', '/unevaluatedProperties'],
        [{ type: 'string', format: 'hostname' }, 'format', '/format'],
        [{ type: 'string', format: 'regex' }, 'format', '/format'],
      ] as const) {
        expect(unsupported(() => checkSchema(schema, { strict }))).toMatchObject({ keyword, pointer });
      }
    }
  });

  it('a format named like an Object.prototype member is no format', () => {
    expect(masksAlong({ type: 'string', format: 'constructor' }, '"x"').at(-1)).toBe('true');
    expect(masksAlong({ type: 'string', format: 'toString', pattern: '^a+$' }, '"aa"').at(-1)).toBe('true');
  });
});
