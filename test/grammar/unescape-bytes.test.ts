/** Key exits compare names by their escapes decoded to bytes: the same bytes JSON.parse and UTF-8 give. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { unescapeBytes } from '../../src/grammar/unescape-bytes.ts';

const enc = new TextEncoder();

describe('unescapeBytes', () => {
  it('gives the UTF-8 of what JSON.parse reads, for any string JSON.stringify escapes (\\u forms too)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.boolean(), (s, allU) => {
        // Every UTF-16 unit as \uXXXX (surrogate pairs as two) in half the runs.
        const body = allU
          ? Array.from({ length: s.length }, (_, i) => `\\u${s.charCodeAt(i).toString(16).padStart(4, '0')}`).join('')
          : JSON.stringify(s).slice(1, -1);
        expect(unescapeBytes(enc.encode(body))).toEqual(enc.encode(JSON.parse(`"${body}"`) as string));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps bytes outside escapes as they are, partial UTF-8 at either end included', () => {
    const b = Uint8Array.of(0x80, 0x5c, 0x6e, 0x61, 0xe2, 0x82);
    expect(unescapeBytes(b)).toEqual(Uint8Array.of(0x80, 0x0a, 0x61, 0xe2, 0x82));
  });

  it('is null for a lone surrogate, a cut escape or an unknown one', () => {
    for (const s of ['\\ud800', 'a\\udc00b', '\\ud800\\u0041', '\\u12', 'x\\', '\\q']) expect(unescapeBytes(enc.encode(s))).toBeNull();
  });
});
