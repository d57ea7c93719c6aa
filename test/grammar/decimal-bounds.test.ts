/**
 * Bounds on non-integer numbers (`minimum`, `maximum`, `exclusive*`), as ajv checks them on the
 * parsed double: every text the engine accepts passes ajv, every short decimal ajv accepts the
 * engine accepts, random walks always complete within the bounds, and the shortest completion
 * the budget relies on is exact.
 */
import Ajv2020 from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileGrammar } from '../../src/grammar/index.ts';
import { drive, PICKERS } from '../helpers/drive.ts';
import { acceptsText } from '../helpers/accepts-text.ts';
import { smallVocabulary } from '../helpers/small-vocab.ts';

const vocab = smallVocabulary();
const ajv = new Ajv2020({ strict: true });

type Bounds = { minimum?: number; maximum?: number; exclusiveMinimum?: number; exclusiveMaximum?: number };

const accepts = (schema: object, text: string) => acceptsText(schema, text, vocab, 200);

const INTERESTING = [0, 1, -1, 0.1, 0.3, 0.5, 0.7, 2.5, 1e-16, 1e-3, 123.456, -0.25, 1e15, 9007199254740993, 0.1 + 0.2];
const bound = fc.oneof(fc.constantFrom(...INTERESTING), fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.integer({ min: -50, max: 50 }).map((n) => n / 8));
/** A lower and an upper bound (either may be absent, either may be exclusive), usually in order. */
const boundsArb: fc.Arbitrary<Bounds> = fc
  .tuple(bound, bound, fc.constantFrom('lo', 'hi', 'both'), fc.boolean(), fc.boolean(), fc.nat(9))
  .map(([a, b, which, exLo, exHi, swap]) => {
    const [lo, hi] = (a <= b) === (swap > 0) ? [a, b] : [b, a];
    const out: Bounds = {};
    if (which !== 'hi') out[exLo ? 'exclusiveMinimum' : 'minimum'] = lo;
    if (which !== 'lo') out[exHi ? 'exclusiveMaximum' : 'maximum'] = hi;
    return out;
  });

/** Compiles, or undefined when the bounds leave no number of 16 fraction digits at most (checked). */
function compileBounded(schema: object, b: Bounds) {
  try {
    return compileGrammar(schema, vocab);
  } catch (e) {
    const lo = Math.max(b.minimum ?? -Infinity, b.exclusiveMinimum ?? -Infinity);
    const hi = Math.min(b.maximum ?? Infinity, b.exclusiveMaximum ?? Infinity);
    // Refused only for an empty range or one narrower than the engine's step of 1e-16.
    expect(hi - lo < 1e-15 * Math.max(1, Math.abs(lo)), `${JSON.stringify(schema)}: ${String(e)}`).toBe(true);
    return undefined;
  }
}

/** Short decimals near the bounds and elsewhere (at most 12 significant digits: never a rounding tie). */
const decimalText = (b: Bounds) =>
  fc.oneof(
    fc.constantFrom(...Object.values(b)).chain((v) => fc.integer({ min: -3, max: 3 }).map((d) => (v + d * 10 ** (Math.floor(Math.log10(Math.abs(v) || 1)) - 11)).toPrecision(12))),
    fc.double({ min: -1e3, max: 1e3, noNaN: true }).map((v) => v.toPrecision(1 + (Math.abs(Math.round(v * 7)) % 12))),
  ).map((s) => (/e/i.test(s) ? Number(s).toFixed(6) : s).replace(/^(-?)0+(?=\d)/, '$1'));

describe('decimal bounds agree with ajv', () => {
  it('picked cases', () => {
    const unit = { type: 'number', minimum: 0, maximum: 1 };
    for (const [t, ok] of [['0', true], ['1', true], ['1.0', true], ['0.5', true], ['-0', true], ['1.1', false], ['-0.1', false], ['2', false], ['1e0', false]] as const) {
      expect(accepts(unit, t), t).toBe(ok);
    }
    expect(accepts({ type: 'number', minimum: 0.1 }, '0.1')).toBe(true);
    expect(accepts({ type: 'number', exclusiveMinimum: 0 }, '0.0')).toBe(false);
    expect(accepts({ type: 'number', exclusiveMinimum: 0 }, '0.0000000000000001')).toBe(true);
    // Parses to 0.3 exactly, which exclusiveMaximum 0.3 excludes (ajv compares doubles).
    expect(accepts({ type: 'number', exclusiveMaximum: 0.3 }, '0.29999999999999999')).toBe(false);
    expect(accepts({ type: 'number', exclusiveMaximum: 0.3 }, '0.2999999999999999')).toBe(true);
    expect(accepts({ type: 'number', minimum: 0.30000000000000004 }, '0.3')).toBe(false);
    expect(() => compileGrammar({ type: 'number', minimum: 2, maximum: 1 }, vocab)).toThrow();
  });

  it('accepted ⇒ ajv accepts; a short decimal ajv accepts is accepted', () => {
    fc.assert(
      fc.property(
        boundsArb.chain((b) => fc.tuple(fc.constant(b), decimalText(b))),
        ([b, text]) => {
          const schema = { type: 'number', ...b };
          if (!compileBounded(schema, b)) return;
          const ours = accepts(schema, text);
          const theirs = ajv.validate(schema, JSON.parse(text));
          if (ours) expect(theirs, `${text} accepted for ${JSON.stringify(b)}`).toBe(true);
          if (theirs && /^-?\d{1,16}(\.\d{1,16})?$/.test(text)) expect(ours, `${text} refused for ${JSON.stringify(b)}`).toBe(true);
        },
      ),
      { numRuns: 400, seed: 20261201 },
    );
  });

  it('random walks complete within the bounds, within the shortest-completion budget', () => {
    let walks = 0;
    fc.assert(
      fc.property(boundsArb, fc.integer({ min: 1, max: 2 ** 30 }), (b, seed) => {
        const schema = { type: 'object', properties: { t: { type: 'number', ...b } }, required: ['t'], additionalProperties: false };
        const grammar = compileBounded(schema, b);
        if (!grammar) return;
        for (const pick of Object.values(PICKERS)) {
          // The budget is the shortest document in bytes: one-byte tokens always fit it exactly.
          const budget = grammar.minBytes;
          const r = drive(grammar.matcher({ maxTokens: budget }), vocab, pick, seed, budget + 1);
          expect(r.emptyMaskAt, `empty mask for ${JSON.stringify(b)}`).toBe(-1);
          const value = JSON.parse(r.text) as unknown;
          expect(ajv.validate(schema, value), `${r.text} for ${JSON.stringify(b)}`).toBe(true);
          walks++;
        }
      }),
      { numRuns: 200, seed: 20261202 },
    );
    expect(walks).toBeGreaterThan(300);
  });
});
