/**
 * The per-vocabulary string caches stay bounded: a state inside a UTF-8 sequence carries its partial
 * code point, so CJK or random text meets a new state at almost every token boundary (the soak found
 * these caches growing ~1.5 KB a plan, without end).
 */
import { describe, expect, it } from 'vitest';
import { compileGrammar, compilerFor, Vocabulary } from '../../src/grammar/index.ts';

const bytes = new Vocabulary({ tokens: [...Array.from({ length: 256 }, (_, b) => Uint8Array.of(b)), null], size: 257, stopTokens: [256] });
const allowed = (mask: Uint32Array, id: number) => (mask[id >>> 5]! & (1 << (id & 31))) !== 0;

/** The stated bound (src/grammar/string-cache.ts STATE_ENTRIES); unbounded, the CJK text below made 355 entries. */
const BOUND = 64;

/** Feeds `text` byte by byte, filling a mask before each byte as decoding would; returns the final mask. */
function feed(schema: unknown, text: string): void {
  const m = compileGrammar(schema, bytes).matcher({ maxTokens: 100_000 });
  const mask = bytes.allocateMask();
  for (const b of new TextEncoder().encode(text)) {
    m.fillMask(mask);
    expect(allowed(mask, b)).toBe(true);
    m.accept(b);
  }
  m.fillMask(mask);
  expect(allowed(mask, 256)).toBe(true);
}

// 600 distinct CJK characters (3 UTF-8 bytes each): a distinct partial state after each of their first two bytes.
const cjk = Array.from({ length: 600 }, (_, i) => String.fromCodePoint(0x4e00 + i * 37)).join('');

describe('string state caches', () => {
  it('free-text string values: at most 64 entries besides the plain state, every byte still allowed', () => {
    feed({ type: 'string' }, JSON.stringify(cjk));
    const { entries } = compilerFor(bytes).cacheSizes().freeStrings;
    expect(entries).toBeGreaterThan(8);
    expect(entries).toBeLessThanOrEqual(BOUND + 1);
  });

  it('additional (undeclared) object keys: bounded the same way', () => {
    const keys = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [cjk.slice(i * 15, i * 15 + 15), i]));
    feed({ type: 'object', additionalProperties: { type: 'integer' } }, JSON.stringify(keys));
    const { entries } = compilerFor(bytes).cacheSizes().boundStrings;
    expect(entries).toBeGreaterThan(8);
    expect(entries).toBeLessThanOrEqual(2 * BOUND);
  });
});
