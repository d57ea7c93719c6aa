/**
 * Valid by construction: for random schemas of the supported subset and any token picker (uniform,
 * adversarial), every completed output parses and passes ajv (strict) against its schema, no mask
 * is ever empty, and the document always ends within a small token budget.
 */
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileGrammar } from '../../src/grammar/index.ts';
import { drive, PICKERS } from '../helpers/drive.ts';
import { schemaArb, type Schema } from '../helpers/schema-arb.ts';
import { smallVocabulary } from '../helpers/small-vocab.ts';

function validator(schema: Schema) {
  // strictTuples only lints tuple schemas for missing minItems; it is not a validation rule.
  const ajv = new Ajv2020({ strict: true, strictTuples: false });
  addFormats(ajv);
  return ajv.compile(schema);
}

describe('property: every completed output is valid', () => {
  const vocab = smallVocabulary();
  for (const [pickerName, pick] of Object.entries(PICKERS)) {
    it(`random schemas × ${pickerName} picker, budget 48 tokens`, () => {
      let completed = 0;
      fc.assert(
        fc.property(schemaArb, fc.integer({ min: 1, max: 2 ** 30 }), (schema, seed) => {
          const grammar = compileGrammar(schema, vocab);
          const budget = 48;
          if (grammar.minBytes > budget) return; // needs more than the budget: not this test's case
          const r = drive(grammar.matcher({ maxTokens: budget }), vocab, pick, seed, budget + 1);
          expect(r.emptyMaskAt, `empty mask at step ${r.emptyMaskAt}`).toBe(-1);
          expect(r.tokens[r.tokens.length - 1]).toBe(vocab.stopTokens[0]);
          const value = JSON.parse(r.text) as unknown;
          const validate = validator(schema);
          expect(validate(value), `${r.text} vs ${JSON.stringify(schema)}: ${JSON.stringify(validate.errors)}`).toBe(true);
          completed++;
        }),
        { numRuns: 80, seed: 20261124 + pickerName.length },
      );
      // Most random schemas fit the budget; the property must not pass by skipping them all.
      expect(completed).toBeGreaterThan(60);
    });
  }
});
