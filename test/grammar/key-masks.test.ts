/**
 * Masks at object keys from the caches (a key that may still be declared or additional, the
 * additional key's closing tokens grouped) equal the plain trie walk's, for random object schemas
 * with optional keys and additional properties allowed, at every step of random walks and under
 * tight budgets; the case on the full Qwen vocabulary too. (Its mask time is a benchmark
 * row, `npm run bench:grammar`, never a timed test.)
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileGrammar, type Vocabulary } from '../../src/grammar/index.ts';
import { allowedTokens } from '../helpers/drive.ts';
import { qwenVocabulary } from '../../scripts/lib/qwen-vocab.ts';
import { smallVocabulary } from '../helpers/small-vocab.ts';

function sameMasksAlongWalk(schema: object, vocab: Vocabulary, seed: number, budget: number, steps: number): number {
  const g = compileGrammar(schema, vocab);
  const cached = g.matcher({ maxTokens: budget, witnesses: false });
  const plain = g.matcher({ maxTokens: budget, stringCache: false, witnesses: false });
  const a = vocab.allocateMask();
  const b = vocab.allocateMask();
  let state = seed >>> 0 || 1;
  const rand = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296);
  let n = 0;
  for (; n < steps && !cached.isTerminated; n++) {
    cached.fillMask(a);
    plain.fillMask(b);
    expect(a).toEqual(b);
    const allowed = allowedTokens(a, vocab.size);
    if (allowed.length === 0) break;
    // Prefer key-closing tokens now and then, so walks pass through additional keys.
    const quoted = allowed.filter((t) => vocab.tokens[t]?.includes(0x22));
    const pool = quoted.length && rand() < 0.3 ? quoted : allowed;
    const t = pool[Math.floor(rand() * pool.length)]!;
    cached.accept(t);
    plain.accept(t);
  }
  return n;
}

describe('object-key masks from the caches = the plain walk', () => {
  it('the issue case: an optional declared key left, additional properties allowed (Qwen vocabulary)', () => {
    const schema = { type: 'object', properties: { a: { type: 'string' }, return_date: { type: 'string' } }, required: ['a'] };
    const vocab = qwenVocabulary();
    const enc = new TextEncoder();
    const g = compileGrammar(schema, vocab);
    let compared = 0;
    for (let budget = 8; budget <= 40; budget++) {
      const cached = g.matcher({ maxTokens: budget, witnesses: false });
      const plain = g.matcher({ maxTokens: budget, stringCache: false, witnesses: false });
      try {
        for (const t of vocab.tokenize(enc.encode('{"a":"x","'))) {
          cached.accept(t);
          plain.accept(t);
        }
      } catch {
        continue; // the prefix alone does not fit this budget
      }
      compared++;
      const a = vocab.allocateMask();
      const b = vocab.allocateMask();
      cached.fillMask(a);
      plain.fillMask(b);
      expect(a).toEqual(b);
      expect(allowedTokens(a, vocab.size).length).toBeGreaterThan(0);
    }
    expect(compared).toBeGreaterThan(25);
  });

  it('after key bytes that hold an escape, declared and used names compared decoded (Qwen vocabulary)', () => {
    const vocab = qwenVocabulary();
    const enc = new TextEncoder();
    const schema = { type: 'object', properties: { 'a\nb': { type: 'integer' }, ab: { type: 'string' }, 'a"c': { type: 'boolean' }, 'é\n': { type: 'integer' } } };
    const g = compileGrammar(schema, vocab);
    // The bytes so far: an escape, a \u escape, a quote escape, escapes after a used name that decodes alike.
    // (A declared name spelled with other escapes is refused by both readings: not a case here.)
    const prefixes = ['{"a\\n', '{"a\\u0062', '{"a\\"', '{"a\\nz":1,"a\\n', '{"\\u00e9x":1,"\\u00e9', '{"\\u00e9\\n'];
    for (const prefix of prefixes) {
      const cached = g.matcher({ witnesses: false });
      const plain = g.matcher({ stringCache: false, witnesses: false });
      for (const t of vocab.tokenize(enc.encode(prefix))) {
        cached.accept(t);
        plain.accept(t);
      }
      const a = vocab.allocateMask();
      const b = vocab.allocateMask();
      cached.fillMask(a);
      plain.fillMask(b);
      expect(a, prefix).toEqual(b);
      expect(allowedTokens(a, vocab.size).length).toBeGreaterThan(100);
    }
  });

  it('random object schemas with optional keys and additional properties', () => {
    const vocab = smallVocabulary();
    const name = fc.constantFrom('a', 'ab', 'abc', 'return_date', 'r', 'x y', 'q"', 'b\\', 'é', 'n1');
    const value = fc.constantFrom<object>({ type: 'string', maxLength: 4 }, { type: 'integer' }, { enum: [1, 'k'] }, { type: 'boolean' });
    const schema = fc.record({
      props: fc.dictionary(name, value, { minKeys: 0, maxKeys: 4 }),
      required: fc.nat(3),
      additional: fc.constantFrom<unknown>(undefined, true, { type: 'integer' }, { type: 'string', maxLength: 3 }),
      maxProperties: fc.constantFrom(undefined, 2, 5),
    });
    fc.assert(
      fc.property(schema, fc.nat(), fc.constantFrom(24, 40, 80), ({ props, required, additional, maxProperties }, seed, budget) => {
        const names = Object.keys(props);
        const s: Record<string, unknown> = { type: 'object', properties: props, required: names.slice(0, Math.min(required, names.length)) };
        if (additional !== undefined) s.additionalProperties = additional;
        if (maxProperties !== undefined) s.maxProperties = maxProperties;
        let g;
        try {
          g = compileGrammar(s, vocab);
          g.matcher({ maxTokens: budget, witnesses: false });
        } catch {
          return; // unsatisfiable within the budget: nothing to compare
        }
        sameMasksAlongWalk(s, vocab, seed, budget, 40);
      }),
      { numRuns: 200 },
    );
  });
});
