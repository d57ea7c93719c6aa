/**
 * `multipleOf` a positive integer, on integers and numbers (whose multiples are then integers),
 * with and without bounds: every integer in a window accepted exactly as ajv says, the shortest
 * completion exact, random walks validate; fractional ones (ajv divides in floating point) refused.
 */
import Ajv2020 from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { checkSchema, compileGrammar, UnsupportedSchemaError } from '../../src/grammar/index.ts';
import { acceptsText } from '../helpers/accepts-text.ts';
import { drive, PICKERS } from '../helpers/drive.ts';
import { smallVocabulary } from '../helpers/small-vocab.ts';

const vocab = smallVocabulary();
const ajv = new Ajv2020({ strict: false });

const SCHEMAS: Record<string, object> = {
  'integers, multipleOf 3': { type: 'integer', multipleOf: 3 },
  'numbers, multipleOf 15, within [-100, 100]': { type: 'number', multipleOf: 15, minimum: -100, maximum: 100 },
  'multipleOf 7 above 50, exclusive': { type: 'integer', multipleOf: 7, exclusiveMinimum: 50, maximum: 1000 },
  'a multiple of 1000 below -5': { type: 'integer', multipleOf: 1000, maximum: -5 },
};

describe('multipleOf', () => {
  for (const [name, schema] of Object.entries(SCHEMAS)) {
    it(`${name}: every integer in [-1200, 1200] accepted exactly as ajv says`, () => {
      const validate = ajv.compile(schema);
      let valid = 0;
      for (let v = -1200; v <= 1200; v++) {
        expect(acceptsText(schema, String(v), vocab), `${v}: ajv says ${validate(v)}`).toBe(validate(v));
        if (validate(v)) valid++;
      }
      expect(valid).toBeGreaterThan(0);
      expect(acceptsText(schema, '1.5', vocab)).toBe(false);
    });

    it(`${name}: walks validate within the shortest budget, which is the shortest valid text`, () => {
      const validate = ajv.compile(schema);
      const g = compileGrammar(schema, vocab);
      let shortest = Infinity;
      for (let v = -5000; v <= 5000; v++) if (validate(v)) shortest = Math.min(shortest, String(v).length);
      expect(g.minBytes).toBe(shortest);
      for (const pick of Object.values(PICKERS)) {
        for (let seed = 1; seed <= 10; seed++) {
          for (const budget of [g.minBytes, g.minBytes + 6]) {
            const r = drive(g.matcher({ maxTokens: budget }), vocab, pick, seed, budget + 1);
            expect(r.emptyMaskAt).toBe(-1);
            expect(validate(JSON.parse(r.text)), r.text).toBe(true);
          }
        }
      }
    });
  }

  it('an enum beside multipleOf keeps only the multiples', () => {
    const schema = { type: 'integer', multipleOf: 2, enum: [3, 4, 'x', 6] };
    const validate = ajv.compile(schema);
    for (const v of [3, 4, 6, 'x']) expect(acceptsText(schema, JSON.stringify(v), vocab), String(v)).toBe(validate(v));
  });

  it('a fractional multipleOf is refused', () => {
    for (const m of [0.5, 0.01, 1.5]) expect(() => checkSchema({ type: 'number', multipleOf: m })).toThrow(UnsupportedSchemaError);
  });
});
