/**
 * Additional property names that need a JSON escape (quotes, backslashes, control characters,
 * \u escapes) are accepted and compared decoded: a name that decodes to a declared or used one is
 * still refused.
 */
import Ajv from 'ajv';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileGrammar } from '../../src/grammar/index.ts';
import { qwenVocabulary } from '../../scripts/lib/qwen-vocab.ts';
import { smallVocabulary } from '../helpers/small-vocab.ts';

const vocab = smallVocabulary();
const enc = new TextEncoder();

/** Walks `text`'s tokens, each one checked against the mask (what a model may write) and accepted. */
function walk(schema: object, text: string): boolean {
  const m = compileGrammar(schema, vocab).matcher({ maxTokens: 4000 });
  const mask = vocab.allocateMask();
  for (const t of vocab.tokenize(enc.encode(text))) {
    m.fillMask(mask);
    const allowed = (mask[t >>> 5]! & (1 << (t & 31))) !== 0;
    let accepted = true;
    try {
      m.accept(t);
    } catch {
      accepted = false;
    }
    // The mask and the matcher agree on every token.
    expect(allowed).toBe(accepted);
    if (!accepted) return false;
  }
  return m.isComplete();
}

describe('escaped additional property names', () => {
  it.each(['with "quote"', 'tab\there', 'back\\slash', 'nl\n', '\u0001', 'é"\\'])('%j is accepted', (k) => {
    expect(walk({ type: 'object' }, JSON.stringify({ [k]: 1 }))).toBe(true);
  });

  it('a \\u escape is read decoded: it may not repeat a declared or an earlier key', () => {
    const schema = { type: 'object', properties: { ab: { type: 'integer' } } };
    expect(walk(schema, '{"a\\u0062x":1}')).toBe(true);
    expect(walk(schema, '{"a\\u0062":1}')).toBe(false);
    expect(walk({ type: 'object' }, '{"k\\"":1,"k\\u0022":2}')).toBe(false);
  });

  it('random names round-trip, beside declared properties, and pass ajv', () => {
    const schema = { type: 'object', properties: { a: { type: 'string' }, return_date: { type: 'string' } }, required: ['a'] };
    const validate = new Ajv().compile(schema);
    fc.assert(
      fc.property(fc.string({ unit: fc.oneof(fc.constantFrom('"', '\\', '\n', '\t', '\u0000', '\u001f', '/', 'a', 'é', '😀'), fc.string({ minLength: 1, maxLength: 1, unit: 'binary' })), minLength: 1, maxLength: 8 }), (k) => {
        fc.pre(k !== 'a' && k !== 'return_date');
        const doc = { a: 'x', [k]: 1 };
        expect(validate(doc)).toBe(true);
        expect(walk(schema, JSON.stringify(doc))).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});

describe('closing tokens that hold an escape, on the full vocabulary (`\\""`, `=\\""`, …)', () => {
  const full = qwenVocabulary();
  const schema = { type: 'object', properties: { 'x"': { type: 'integer' }, y: { type: 'integer' } } };
  function masks(prefix: string): [Uint32Array, Uint32Array] {
    const out: Uint32Array[] = [];
    for (const stringCache of [true, false]) {
      const m = compileGrammar(schema, full).matcher({ stringCache });
      for (const b of enc.encode(prefix)) m.accept(full.byteToken[b]!);
      const mask = full.allocateMask();
      m.fillMask(mask);
      out.push(mask);
    }
    return [out[0]!, out[1]!];
  }
  it.each(['{"', '{"x', '{"q', '{"y":1,"', '{"q\\"":1,"q', '{"é'])('the cached mask after %s is the plain walk’s', (prefix) => {
    const [cached, plain] = masks(prefix);
    expect(cached).toEqual(plain);
  });
  it('a token closing the key as a declared or used name decoded is refused by the additional reading', () => {
    const id = full.tokens.findIndex((t) => t !== null && t.length === 3 && t[0] === 0x5c && t[1] === 0x22 && t[2] === 0x22);
    expect(id).toBeGreaterThanOrEqual(0);
    const allowed = (prefix: string) => {
      const [mask] = masks(prefix);
      return (mask[id >>> 5]! & (1 << (id & 31))) !== 0;
    };
    // `x` + `\""` is the declared `x"`: allowed, by the declared reading; `q` + `\""` repeats the used `q"`.
    expect(allowed('{"x')).toBe(true);
    expect(allowed('{"z')).toBe(true);
    expect(allowed('{"q\\"":1,"q')).toBe(false);
  });
});
