/**
 * `not` where it is enforced exactly — of a type, of values where the schema is a set of values,
 * `not: true/false/{}` — accepted exactly as ajv says on candidate values, random walks validate;
 * other `not`s are refused with the keyword's pointer.
 */
import Ajv2020 from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { checkSchema, compileGrammar, UnsupportedSchemaError } from '../../src/grammar/index.ts';
import { drive, PICKERS } from '../helpers/drive.ts';
import { smallVocabulary } from '../helpers/small-vocab.ts';

const vocab = smallVocabulary();
const enc = new TextEncoder();
const ajv = new Ajv2020({ strict: false });
const VALUES: unknown[] = [null, true, false, 0, 1, 1.5, -2, '', 'a', 'null', [], [1], {}, { a: 1 }];

function accepts(schema: object, text: string): boolean {
  let m;
  try {
    m = compileGrammar(schema, vocab).matcher({ maxTokens: 300 });
  } catch (e) {
    if (String(e).includes('no JSON document')) return false;
    throw e;
  }
  try {
    for (const t of vocab.tokenize(enc.encode(text))) m.accept(t);
  } catch {
    return false;
  }
  return m.isComplete();
}

const ENFORCED: Record<string, object> = {
  'not a string': { not: { type: 'string' } },
  'not a number (nor an integer)': { not: { type: 'number' } },
  'an integer that is not a number': { type: ['integer', 'string'], not: { type: 'number' } },
  'not of two types, described': { not: { type: ['object', 'array'], description: 'no containers' } },
  'an enum less one value': { enum: ['a', 'null', null, 1], not: { const: 'null' } },
  'booleans less an enum': { type: 'boolean', not: { enum: [false, 0] } },
  'a string that cannot be null anyway': { type: 'string', not: { const: null } },
  'not false: anything': { type: 'integer', not: false },
  'not {}: nothing but annotations': { not: { $comment: 'all' }, type: 'null' },
};

describe('not', () => {
  for (const [name, schema] of Object.entries(ENFORCED)) {
    it(`${name}: every candidate accepted exactly as ajv says; walks validate`, () => {
      const validate = ajv.compile(schema);
      for (const v of VALUES) expect(accepts(schema, JSON.stringify(v)), `${JSON.stringify(v)}: ajv says ${validate(v)}`).toBe(validate(v));
      let g;
      try {
        g = compileGrammar(schema, vocab);
      } catch {
        expect(VALUES.some((v) => validate(v))).toBe(false);
        return;
      }
      for (const pick of Object.values(PICKERS)) {
        for (let seed = 1; seed <= 8; seed++) {
          const r = drive(g.matcher({ maxTokens: g.minBytes + 12 }), vocab, pick, seed, g.minBytes + 13);
          expect(r.emptyMaskAt).toBe(-1);
          expect(validate(JSON.parse(r.text)), r.text).toBe(true);
        }
      }
    });
  }

  it('other nots are refused at their pointer', () => {
    for (const [schema, pointer] of [
      [{ type: 'number', not: { type: 'integer' } }, '/not'],
      [{ type: 'string', not: { const: '' } }, '/not'],
      [{ properties: { a: { not: { minLength: 2 } } } }, '/properties/a/not'],
    ] as const) {
      let err: unknown;
      try {
        checkSchema(schema);
      } catch (e) {
        err = e;
      }
      expect(err, JSON.stringify(schema)).toBeInstanceOf(UnsupportedSchemaError);
      expect((err as UnsupportedSchemaError).pointer).toBe(pointer);
    }
  });
});
