/**
 * String formats beyond the first seven (iso-time, iso-date-time, byte, ipv6, json-pointer,
 * relative-json-pointer, uri-reference, uri-template): whatever the engine accepts, ajv-formats
 * accepts (equal where the expression is ajv-formats' own, verbatim), on picked and generated
 * strings; and whatever a random walk of the grammar completes passes ajv-formats.
 */
import { fullFormats } from 'ajv-formats/dist/formats.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileGrammar } from '../../src/grammar/index.ts';
import { drive, PICKERS } from '../helpers/drive.ts';
import { acceptsText } from '../helpers/accepts-text.ts';
import { smallVocabulary } from '../helpers/small-vocab.ts';

const vocab = smallVocabulary();

type FormatCheck = (s: string) => boolean;
/** ajv-formats' check of `name` as a function (its table holds expressions, functions and objects). */
function ajvFormat(name: string): FormatCheck {
  const f = (fullFormats as Record<string, unknown>)[name];
  if (f instanceof RegExp) return (s) => f.test(s);
  if (typeof f === 'function') return f as FormatCheck;
  if (typeof f === 'object' && f !== null && 'validate' in f) {
    const v = (f as { validate: RegExp | FormatCheck }).validate;
    return v instanceof RegExp ? (s) => v.test(s) : v;
  }
  throw new Error(`no ajv-formats format ${name}`);
}

const accepts = (format: string, s: string) => acceptsText({ type: 'string', format }, JSON.stringify(s), vocab);

/** Formats whose expression is ajv-formats' own: the two must agree both ways. */
const VERBATIM = ['ipv6', 'json-pointer', 'relative-json-pointer', 'uri-reference', 'uri-template'];
/** Formats read more strictly (documented in formats.ts): never looser. */
const STRICTER = ['iso-time', 'iso-date-time', 'byte'];

const PICKED: Record<string, [string, boolean][]> = {
  'iso-time': [['10:20:30', true], ['10:20:30Z', true], ['10:20:30.5+01:00', true], ['24:00:00', false], ['10:20', false]],
  'iso-date-time': [['2024-02-29T10:20:30', true], ['2023-02-29T10:20:30', false], ['2024-01-01 10:20:30z', true], ['2024-01-01', false]],
  byte: [['', true], ['aGVsbG8=', true], ['aGVsbG8', false], ['a+/9', true], ['!!!!', false]],
  ipv6: [['::1', true], ['2001:db8::7', true], ['::ffff:192.168.0.1', true], ['12345::', false], ['1:2:3:4:5:6:7:8:9', false]],
  'json-pointer': [['', true], ['/a/b', true], ['/a~0b/~1', true], ['/a~', false], ['a', false]],
  'relative-json-pointer': [['0', true], ['1/a', true], ['2#', true], ['/a', false], ['01', false]],
  'uri-reference': [['', true], ['#frag', true], ['../a/b?c', true], ['http://a/b', true], ['\\\\x', false], ['a b', false]],
  'uri-template': [['http://example.com/{term}', true], ['/{+path}/x{?q,lang}', true], ['{a:3}', true], ['{term', false], ['a b', false]],
};

describe('formats agree with ajv-formats', () => {
  for (const format of [...VERBATIM, ...STRICTER]) {
    const ajv = ajvFormat(format);
    it(`${format}: picked strings`, () => {
      for (const [s, valid] of PICKED[format]!) {
        expect(ajv(s), `ajv on ${JSON.stringify(s)}`).toBe(valid);
        expect(accepts(format, s), `engine on ${JSON.stringify(s)}`).toBe(valid);
      }
    });

    it(`${format}: generated strings (accepted ⇒ ajv accepts${VERBATIM.includes(format) ? ', and back' : ''})`, () => {
      const picked = PICKED[format]!.map(([s]) => s);
      const alphabet = fc.constantFrom(...'aZ09:/.#?{}+~%=,-_ T'.split(''));
      fc.assert(
        fc.property(fc.tuple(fc.constantFrom(...picked), fc.string({ unit: alphabet, maxLength: 12 }), fc.boolean()), ([base, noise, before]) => {
          const s = before ? noise + base : base + noise;
          const ours = accepts(format, s);
          if (ours) expect(ajv(s), `engine accepted ${JSON.stringify(s)}`).toBe(true);
          if (VERBATIM.includes(format)) expect(ours, JSON.stringify(s)).toBe(ajv(s));
        }),
        { numRuns: 150, seed: 20261201 },
      );
    });

    it(`${format}: every completed random walk passes ajv-formats`, () => {
      const grammar = compileGrammar({ type: 'string', format, maxLength: 40 }, vocab);
      for (const [name, pick] of Object.entries(PICKERS)) {
        for (let seed = 1; seed <= 12; seed++) {
          const r = drive(grammar.matcher({ maxTokens: 200 }), vocab, pick, seed, 201);
          expect(r.emptyMaskAt, `${name} ${seed}`).toBe(-1);
          const value = JSON.parse(r.text) as string;
          expect(ajv(value), `${name} ${seed}: ${r.text}`).toBe(true);
        }
      }
    });
  }
});
