/**
 * oneOf is enforced when its branches provably exclude each other: by kind of value, literals the
 * other branch rejects, disjoint number ranges or string lengths, a property one branch requires and
 * the other forbids, or one both require with disjoint values. Each proven case: every candidate
 * value is accepted exactly when ajv accepts it (so exactly one branch matches), and random walks
 * validate. Overlapping branches stay refused.
 */
import Ajv2020 from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { checkSchema, compileGrammar, UnsupportedSchemaError } from '../../src/grammar/index.ts';
import { SchemaBuilder } from '../../src/grammar/schema/build.ts';
import { canonicalJson } from '../../scripts/lib/canonical.ts';
import { drive, PICKERS } from '../helpers/drive.ts';
import { acceptsText } from '../helpers/accepts-text.ts';
import { smallVocabulary } from '../helpers/small-vocab.ts';

const vocab = smallVocabulary();
const ajv = new Ajv2020({ strict: false });

const accepts = (schema: object, text: string) => acceptsText(schema, text, vocab, 300);

const PROVEN: Record<string, { schema: object; values: unknown[] }> = {
  'a literal the other branch rejects': { schema: { oneOf: [{ enum: ['auto', 'none'] }, { type: 'string', maxLength: 3 }] }, values: ['auto', 'none', 'abc', 'no', 'abcd', ''] },
  'disjoint number ranges': { schema: { oneOf: [{ type: 'number', maximum: 0 }, { type: 'integer', minimum: 1 }] }, values: [-1, 0, 0.5, 1, 7, -0.5] },
  'disjoint string lengths': { schema: { oneOf: [{ type: 'string', maxLength: 2 }, { type: 'string', minLength: 3, maxLength: 5 }] }, values: ['', 'ab', 'abc', 'abcde', 'abcdef'] },
  'a required property the other forbids': {
    schema: {
      oneOf: [
        { type: 'object', properties: { url: { type: 'string' } }, required: ['url'], additionalProperties: false },
        { type: 'object', properties: { path: { type: 'string' } }, required: ['path'], additionalProperties: false },
      ],
    },
    values: [{ url: 'a' }, { path: 'b' }, { url: 'a', path: 'b' }, {}],
  },
  'a property both require, with values of other kinds': {
    schema: {
      oneOf: [
        { type: 'object', properties: { id: { type: 'integer' }, note: { type: 'string' } }, required: ['id'] },
        { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
      ],
    },
    values: [{ id: 1 }, { id: 'x' }, { id: 1, note: 'n' }, { id: null }],
  },
};

describe('oneOf proofs', () => {
  for (const [name, { schema, values }] of Object.entries(PROVEN)) {
    it(`${name}: accepted exactly as ajv says, random walks validate`, () => {
      const root = new SchemaBuilder(schema).rootNode();
      const validate = ajv.compile(schema);
      for (const v of values) {
        const text = canonicalJson(v, root) ?? JSON.stringify(v);
        expect(accepts(schema, text), `${text}: ajv says ${validate(v)}`).toBe(validate(v));
      }
      const g = compileGrammar(schema, vocab);
      for (const [picker, pick] of Object.entries(PICKERS)) {
        for (let seed = 1; seed <= 8; seed++) {
          const budget = g.minBytes + 16;
          const r = drive(g.matcher({ maxTokens: budget }), vocab, pick, seed, budget + 1);
          expect(r.emptyMaskAt, `${picker} ${seed}`).toBe(-1);
          expect(validate(JSON.parse(r.text)), r.text).toBe(true);
        }
      }
    });
  }

  it('branches that may overlap stay refused', () => {
    for (const schema of [
      { oneOf: [{ type: 'integer' }, { minimum: 2 }] },
      { oneOf: [{ enum: ['a', 'b'] }, { type: 'string', pattern: '^a' }] },
      { oneOf: [{ type: 'object', properties: { a: { type: 'string' } }, required: ['a'] }, { type: 'object', properties: { b: { type: 'string' } }, required: ['b'] }] },
      { oneOf: [{ type: 'string', format: 'time' }, { const: '23:59:60Z' }] },
    ]) {
      expect(() => checkSchema(schema), JSON.stringify(schema)).toThrow(UnsupportedSchemaError);
    }
  });
});
