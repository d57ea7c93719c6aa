/**
 * The mask allows exactly the tokens `accept` takes: at every step of random walks, each token of
 * the vocabulary is tried with `accept` (then rolled back) and compared with its mask bit.
 * Soundness is the property tests' job; this one also catches a mask that leaves out a token the
 * grammar allows (a fast path that skips too much). Under the tightest budgets the mask's witness
 * search is cut short where accept's is not, so there the mask may allow less (never more), and
 * `tryAcceptQuick` (greedy speculation) must take only what the mask allows.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileGrammar } from '../../src/grammar/index.ts';
import { allowedTokens } from '../helpers/drive.ts';
import { schemaArb } from '../helpers/schema-arb.ts';
import { smallVocabulary } from '../helpers/small-vocab.ts';

const vocab = smallVocabulary();

let quick = 0;

/** Walks `schema` at random for up to `steps` tokens, comparing mask and accept at each; returns the tokens compared. */
function compareAlongWalk(schema: object, seed: number, steps = 24, maxTokens = 64, exact = true): number {
  const m = compileGrammar(schema, vocab).matcher({ maxTokens });
  const mask = vocab.allocateMask();
  let state = seed >>> 0 || 1;
  const rand = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296);
  let compared = 0;
  for (let step = 0; step < steps && !m.isTerminated; step++) {
    m.fillMask(mask);
    for (let t = 0; t < vocab.size; t++) {
      const bit = ((mask[t >>> 5]! >>> (t & 31)) & 1) === 1;
      let took = true;
      try {
        m.accept(t);
      } catch {
        took = false;
      }
      if (took) m.rollback(1);
      // Under a tight budget `accept` may take more: its witness search is not cut short as a mask's is.
      if (exact || bit) expect(took, `token ${t} after step ${step} of ${JSON.stringify(schema)}`).toBe(bit);
      // tryAcceptQuick takes only tokens the mask allows (a greedy loop relies on it to skip the mask).
      if (m.tryAcceptQuick(t)) {
        m.rollback(1);
        expect(bit, `quick took token ${t} after step ${step}`).toBe(true);
        quick++;
      }
      compared++;
    }
    const allowed = allowedTokens(mask, vocab.size);
    if (allowed.length === 0) break;
    m.accept(allowed[Math.floor(rand() * allowed.length)]!);
  }
  return compared;
}

describe('mask = accept', () => {
  it('random schemas, random walks: every token accepted exactly when its mask bit is set', () => {
    let compared = 0;
    fc.assert(
      fc.property(schemaArb, fc.integer({ min: 1, max: 2 ** 30 }), (schema, seed) => {
        compared += compareAlongWalk(schema, seed);
      }),
      { numRuns: 24, seed: 20261202 },
    );
    expect(compared).toBeGreaterThan(20_000);
  });

  it('literals that are prefixes of others (the literal may end, or go on), in objects and arrays', () => {
    const schemas = [
      { type: 'object', properties: { a: { enum: [1, 12, 123] }, b: { enum: [true, 'true', 1.5, 1] } }, required: ['a'] },
      { type: 'array', items: { enum: [1, 12, 'x', 'xy'] }, maxItems: 4 },
      { type: 'object', properties: { n: { const: 10 }, m: { enum: [null, 100, 1000] } } },
    ];
    for (const schema of schemas) for (let seed = 1; seed <= 4; seed++) compareAlongWalk(schema, seed, 16);
  });

  it('at the tightest budgets (witnesses decide): what the mask allows, accept takes; what tryAcceptQuick takes, the mask allows', () => {
    quick = 0;
    let allowed = 0;
    const schemas = [
      { type: 'object', properties: { city: { type: 'string', maxLength: 6 }, n: { type: 'integer' } }, required: ['city', 'n'] },
      { type: 'array', items: { enum: ['red', 'green', 1, 12] }, minItems: 2, maxItems: 3 },
    ];
    for (const schema of schemas) {
      const tightest = compileGrammar(schema, vocab).matcher().minTokensToComplete();
      for (let slack = 0; slack <= 2; slack++) for (let seed = 1; seed <= 3; seed++) allowed += compareAlongWalk(schema, seed, 16, tightest + 1 + slack, false);
    }
    expect(allowed).toBeGreaterThan(1000);
    expect(quick).toBeGreaterThan(50);
  });
});
