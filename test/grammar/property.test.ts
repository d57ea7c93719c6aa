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
import { smallVocabulary } from '../helpers/small-vocab.ts';

type Schema = Record<string, unknown>;

const name = fc.constantFrom('a', 'id', 'query', 'city', 'n', 'é', 'tags', 'x_y');
const scalar: fc.Arbitrary<Schema> = fc.oneof(
  fc.record({ type: fc.constant('string'), minLength: fc.integer({ min: 0, max: 3 }), maxLength: fc.integer({ min: 3, max: 12 }) }, { requiredKeys: ['type'] }),
  fc.record({ type: fc.constant('string'), pattern: fc.constantFrom('^[a-z]+$', '^\\d{3}-\\d{2}$', 'ab', '^(yes|no)$', '^[A-Z][a-z]*( [A-Z][a-z]*)?$') }),
  fc.record({ type: fc.constant('string'), format: fc.constantFrom('date', 'time', 'date-time', 'email', 'uri', 'uuid', 'ipv4') }),
  fc.record(
    { type: fc.constant('integer'), minimum: fc.integer({ min: -50, max: 10 }), maximum: fc.integer({ min: 10, max: 2000 }) },
    { requiredKeys: ['type'] },
  ),
  fc.record({ type: fc.constant('integer'), exclusiveMinimum: fc.integer({ min: 100, max: 120 }) }),
  fc.constant({ type: 'number' }),
  fc.constant({ type: 'boolean' }),
  fc.constant({ type: 'null' }),
  fc.constant({ type: ['string', 'null'], maxLength: 4 }),
  fc.record({ enum: fc.uniqueArray(fc.oneof(fc.constantFrom('red', 'green', 'blue', 'ünï'), fc.integer({ min: -5, max: 120 }), fc.constant(null)), { minLength: 1, maxLength: 4, selector: (v) => JSON.stringify(v) }) }),
  fc.record({ const: fc.constantFrom('fixed', 42, true) }),
);

const schemaArb: fc.Arbitrary<Schema> = fc.letrec<{ node: Schema }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc
      .record({
        props: fc.uniqueArray(fc.tuple(name, tie('node')), { maxLength: 3, selector: ([k]) => k }),
        required: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
        additional: fc.constantFrom<unknown>(false, true, { type: 'integer', minimum: 0, maximum: 9 }, undefined),
        maxProperties: fc.option(fc.integer({ min: 2, max: 4 }), { nil: undefined }),
      })
      .map(({ props, required, additional, maxProperties }) => {
        const s: Schema = { type: 'object', properties: Object.fromEntries(props) };
        const req = props.filter((_, i) => required[i]).map(([k]) => k);
        if (req.length) s.required = req;
        if (additional !== undefined) s.additionalProperties = additional;
        if (maxProperties !== undefined && maxProperties >= req.length) s.maxProperties = maxProperties;
        return s;
      }),
    fc
      .record({ items: tie('node'), minItems: fc.integer({ min: 0, max: 2 }), extra: fc.integer({ min: 0, max: 3 }) })
      .map(({ items, minItems, extra }) => ({ type: 'array', items, minItems, maxItems: minItems + extra })),
    fc.record({ prefixItems: fc.array(tie('node'), { minLength: 1, maxLength: 2 }), items: fc.constant(false) }).map((s) => ({ type: 'array', ...s })),
    fc.array(tie('node'), { minLength: 2, maxLength: 3 }).map((anyOf) => ({ anyOf })),
  ),
})).node;

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
