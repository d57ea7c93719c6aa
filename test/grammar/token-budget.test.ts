/**
 * The budget counts tokens: a document needs only as many budget tokens as its shortest completion
 * spelled in this vocabulary's tokens, and with any budget the matcher accepts, every walk — random
 * or adversarial — ends within it, never meets an empty mask, and passes ajv.
 */
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BudgetExceededError, compileGrammar, type Vocabulary } from '../../src/grammar/index.ts';
import { planSchema } from '../../src/planner/plan-schema.ts';
import { normalizeTools } from '../../src/planner/tools.ts';
import { qwenVocabulary } from '../../scripts/lib/qwen-vocab.ts';
import { drive, PICKERS } from '../helpers/drive.ts';
import { schemaArb, type Schema } from '../helpers/schema-arb.ts';
import { smallVocabulary } from '../helpers/small-vocab.ts';

function validator(schema: unknown) {
  const ajv = new Ajv2020({ strict: true, strictTuples: false });
  addFormats(ajv);
  return ajv.compile(schema as Schema);
}

/** Drives one walk within `budget` tokens and checks it ended, within the budget, with a valid document. */
function walkWithin(schema: unknown, vocab: Vocabulary, budget: number, pick: (typeof PICKERS)[string], seed: number): string {
  const m = compileGrammar(schema, vocab).matcher({ maxTokens: budget });
  const r = drive(m, vocab, pick, seed, budget + 1);
  expect(r.emptyMaskAt, `empty mask at step ${r.emptyMaskAt}`).toBe(-1);
  expect(vocab.stopTokens, 'the walk ended with a stop token').toContain(r.tokens[r.tokens.length - 1]);
  expect(r.tokens.length - 1).toBeLessThanOrEqual(budget);
  const validate = validator(schema);
  expect(validate(JSON.parse(r.text)), `${r.text}: ${JSON.stringify(validate.errors)}`).toBe(true);
  return r.text;
}

describe('token budget', () => {
  const vocab = smallVocabulary();

  for (const [pickerName, pick] of Object.entries(PICKERS)) {
    it(`random schemas × ${pickerName} picker, at the tightest budget and a little above`, () => {
      let belowBytes = 0;
      let walks = 0;
      fc.assert(
        fc.property(schemaArb, fc.integer({ min: 1, max: 2 ** 30 }), fc.integer({ min: 0, max: 3 }), (schema, seed, extra) => {
          const grammar = compileGrammar(schema, vocab);
          if (grammar.minBytes > 400) return;
          const tightest = grammar.matcher().minTokensToComplete();
          expect(tightest).toBeLessThanOrEqual(grammar.minBytes);
          // One token fewer than the shortest completion is refused at once, with the figure.
          if (tightest > 0) {
            expect(() => grammar.matcher({ maxTokens: tightest - 1 })).toThrow(BudgetExceededError);
          }
          if (tightest < grammar.minBytes) belowBytes++;
          walkWithin(schema, vocab, Math.max(1, tightest + extra), pick, seed);
          walks++;
        }),
        { numRuns: 80, seed: 20261202 + pickerName.length },
      );
      // The property must not pass by budgets the byte minimum already allowed.
      expect(walks).toBeGreaterThan(60);
      expect(belowBytes).toBeGreaterThan(20);
    });
  }

  it('a one-tool plan fits 64 tokens although its shortest text is longer than 64 bytes (Qwen vocabulary)', () => {
    const qwen = qwenVocabulary();
    const tools = normalizeTools([
      {
        name: 'get_weather',
        description: 'Current weather for a city',
        parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { enum: ['celsius', 'fahrenheit'] } }, required: ['city', 'unit'] },
      },
    ]);
    const schema = planSchema(tools, 4);
    const grammar = compileGrammar(schema, qwen);
    expect(grammar.minBytes).toBeGreaterThan(64);
    const tightest = grammar.matcher().minTokensToComplete();
    expect(tightest).toBeLessThan(grammar.minBytes / 2);
    for (const [name, pick] of Object.entries(PICKERS)) {
      for (const seed of [1, 2, 3]) {
        const text = walkWithin(schema, qwen, 64, pick, seed);
        expect(text, name).toContain('"get_weather"');
      }
      walkWithin(schema, qwen, tightest, pick, 9);
    }
  });

  it('forced tokens and rollback keep the budget: every forced run is accepted, and a rolled-back walk ends the same way', () => {
    fc.assert(
      fc.property(schemaArb, fc.integer({ min: 1, max: 2 ** 30 }), (schema, seed) => {
        const grammar = compileGrammar(schema, vocab);
        if (grammar.minBytes > 400) return;
        const budget = grammar.matcher().minTokensToComplete();
        const m = grammar.matcher({ maxTokens: budget });
        const mask = vocab.allocateMask();
        let state = seed;
        const rand = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296);
        let steps = 0;
        while (!m.isTerminated && steps++ <= budget + 1) {
          for (const t of m.forcedTokens()) m.accept(t);
          if (m.isTerminated) break;
          m.fillMask(mask);
          const allowed: number[] = [];
          for (let t = 0; t < vocab.size; t++) if (mask[t >>> 5]! & (1 << (t & 31))) allowed.push(t);
          expect(allowed.length).toBeGreaterThan(0);
          const t = allowed[Math.floor(rand() * allowed.length)]!;
          m.accept(t);
          // A rollback and the same token again leave the matcher as it was.
          if (rand() < 0.3 && !m.isTerminated) {
            const left = m.remaining;
            m.rollback(1);
            m.accept(t);
            expect(m.remaining).toBe(left);
          }
        }
        expect(m.isTerminated).toBe(true);
        expect(m.accepted - 1).toBeLessThanOrEqual(budget);
      }),
      { numRuns: 60, seed: 20261203 },
    );
  });
});
