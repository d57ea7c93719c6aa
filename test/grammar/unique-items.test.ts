/**
 * `uniqueItems: true` over literal items (enum, const, boolean, null): every array of up to three
 * items is accepted exactly when ajv accepts it, values equal as JSON count as one (`{"a":1,"b":2}`
 * and `{"b":2,"a":1}`), random walks validate within the shortest budget; other items are refused.
 */
import Ajv2020 from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { checkSchema, compileGrammar, UnsupportedSchemaError } from '../../src/grammar/index.ts';
import { drive, PICKERS } from '../helpers/drive.ts';
import { acceptsText } from '../helpers/accepts-text.ts';
import { smallVocabulary } from '../helpers/small-vocab.ts';

const vocab = smallVocabulary();
const ajv = new Ajv2020({ strict: false });

const accepts = (schema: object, text: string) => acceptsText(schema, text, vocab, 300);

const SCHEMAS: Record<string, { schema: object; pool: unknown[] }> = {
  'an enum of strings': { schema: { type: 'array', items: { enum: ['read', 'write', 'admin'] }, uniqueItems: true }, pool: ['read', 'write', 'admin'] },
  'booleans, at least two': { schema: { type: 'array', items: { type: 'boolean' }, uniqueItems: true, minItems: 2 }, pool: [true, false] },
  'mixed literals, one equal twice': {
    schema: { type: 'array', items: { enum: [1, '1', null, { a: 1, b: 2 }, { b: 2, a: 1 }] }, uniqueItems: true, maxItems: 3 },
    pool: [1, '1', null, { a: 1, b: 2 }, { b: 2, a: 1 }],
  },
  'numbers that share a prefix': { schema: { type: 'array', items: { enum: [1, 12, 123] }, uniqueItems: true, minItems: 1 }, pool: [1, 12, 123] },
};

function arrays(pool: unknown[], max: number): unknown[][] {
  const out: unknown[][] = [[]];
  for (let n = 1; n <= max; n++) for (const a of out.filter((x) => x.length === n - 1)) for (const v of pool) out.push([...a, v]);
  return out;
}

describe('uniqueItems over literals', () => {
  for (const [name, { schema, pool }] of Object.entries(SCHEMAS)) {
    it(`${name}: every array of up to three items accepted exactly when ajv accepts it`, () => {
      const validate = ajv.compile(schema);
      let valid = 0;
      for (const a of arrays(pool, 3)) {
        const text = JSON.stringify(a);
        const ok = validate(a);
        expect(accepts(schema, text), `${text}: ajv says ${ok}`).toBe(ok);
        if (ok) valid++;
      }
      expect(valid).toBeGreaterThan(0);
    });

    it(`${name}: random walks validate within the shortest budget and a looser one`, () => {
      const g = compileGrammar(schema, vocab);
      const validate = ajv.compile(schema);
      for (const budget of [g.minBytes, g.minBytes + 20]) {
        for (const [picker, pick] of Object.entries(PICKERS)) {
          for (let seed = 1; seed <= 10; seed++) {
            const r = drive(g.matcher({ maxTokens: budget }), vocab, pick, seed, budget + 1);
            expect(r.emptyMaskAt, `${picker} ${seed}`).toBe(-1);
            expect(validate(JSON.parse(r.text)), r.text).toBe(true);
          }
        }
      }
    });
  }

  it('more items required than distinct values is unsatisfiable; other items stay refused', () => {
    expect(() => compileGrammar({ type: 'array', items: { enum: ['a', 'b'] }, uniqueItems: true, minItems: 3 }, vocab)).toThrow(/no JSON document/);
    for (const schema of [{ type: 'array', items: { type: 'string' }, uniqueItems: true }, { type: 'array', uniqueItems: true }, { type: 'array', prefixItems: [{ const: 1 }], uniqueItems: true }]) {
      expect(() => checkSchema(schema)).toThrow(UnsupportedSchemaError);
    }
    // At most one item, or none allowed: nothing to keep unique.
    expect(() => checkSchema({ type: 'array', items: { type: 'string' }, uniqueItems: true, maxItems: 1 })).not.toThrow();
  });
});
