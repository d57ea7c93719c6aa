/**
 * `patternProperties` beside an additionalProperties that allows keys: an undeclared key's value
 * takes the schemas of every pattern its name matches (unanchored, `u` flag, as ajv), else the
 * additionalProperties schema. Exact against ajv over picked objects; random walks under tight
 * budgets always complete and validate; the forms not enforced are refused, typed, with a pointer.
 */
import Ajv2020 from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { checkSchema, compileGrammar, UnsupportedSchemaError } from '../../src/grammar/index.ts';
import { drive, PICKERS, type Picker } from '../helpers/drive.ts';
import { acceptsText } from '../helpers/accepts-text.ts';
import { smallVocabulary } from '../helpers/small-vocab.ts';

const vocab = smallVocabulary();
const ajv = new Ajv2020({ strict: false });

const SCHEMAS: Record<string, object> = {
  'one pattern, additional properties absent': { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'], patternProperties: { '^x-': { type: 'string' } } },
  'two overlapping patterns (both apply) and an additionalProperties schema': {
    type: 'object',
    properties: { id: { type: 'integer' } },
    patternProperties: { _n$: { type: 'integer' }, '^n': { maximum: 9 } },
    additionalProperties: { type: 'boolean' },
  },
  'an unanchored, case-sensitive pattern with minProperties': { type: 'object', patternProperties: { '[0-9]{2}': { type: 'null' } }, minProperties: 1, maxProperties: 2 },
  // Before a name is written, the most any name may need bounds the shortest completion.
  // (Far more in tokens too: these characters are not tokens of the small vocabulary, their bytes are.)
  'pattern keys need far more than others': { type: 'object', patternProperties: { '[knq]': { const: '\u01c2'.repeat(10) } }, minProperties: 1, maxProperties: 1 },
};

const NAMES = ['id', 'x-a', 'ax-', 'n_n', 'nb', 'b_n', 'q12', 'Q', 'x-'];
const VALUES: unknown[] = [1, 12, 'x', true, null];

/** Objects of up to two keys from NAMES, each with every value from VALUES. */
function* objects(): Generator<Record<string, unknown>> {
  yield {};
  for (const a of NAMES) {
    for (const va of VALUES) {
      yield { [a]: va };
      for (const b of NAMES) if (b > a) for (const vb of VALUES) yield { [a]: va, [b]: vb };
    }
  }
}

describe('patternProperties', () => {
  for (const [name, schema] of Object.entries(SCHEMAS)) {
    it(`${name}: accepted exactly when ajv accepts`, () => {
      const validate = ajv.compile(schema);
      let valid = 0;
      let invalid = 0;
      for (const obj of objects()) {
        // Declared properties come first, as the engine writes them.
        const ordered = 'id' in obj ? { id: obj.id, ...obj } : obj;
        const text = JSON.stringify(ordered);
        const want = validate(ordered);
        expect(acceptsText(schema, text, vocab, 300), `${text}`).toBe(want);
        if (want) valid++;
        else invalid++;
      }
      // Both outcomes must occur, or the comparison proves nothing.
      expect(valid).toBeGreaterThan(20);
      expect(invalid).toBeGreaterThan(20);
    });

    it(`${name}: random walks under a tight budget complete and validate`, () => {
      const g = compileGrammar(schema, vocab);
      const validate = ajv.compile(schema);
      let undeclared = 0;
      // Also one that writes names the patterns match whenever the mask lets it.
      const patternLetters: Picker = (allowed, v, rand) => {
        const hits = allowed.filter((t) => /[knq_0-9x]/.test(new TextDecoder().decode(v.tokens[t] ?? new Uint8Array())));
        return hits.length ? hits[Math.floor(rand() * hits.length)]! : allowed[Math.floor(rand() * allowed.length)]!;
      };
      for (const [pickerName, pick] of Object.entries({ ...PICKERS, patternLetters })) {
        const tightest = g.matcher().minTokensToComplete();
        for (let seed = 1; seed <= 40; seed++) {
          // The tightest budget in tokens leans on every state's byte minimum being an upper bound.
          const budget = [tightest, tightest + 2, tightest + 5, tightest + 9, g.minBytes, g.minBytes + 5, g.minBytes + 12][seed % 7]!;
          const r = drive(g.matcher({ maxTokens: budget }), vocab, pick, seed, budget + 1);
          expect(r.emptyMaskAt, `${pickerName} seed ${seed}: empty mask`).toBe(-1);
          const value = JSON.parse(r.text) as Record<string, unknown>;
          expect(validate(value), `${pickerName} seed ${seed}: ${r.text}`).toBe(true);
          if (Object.keys(value).some((k) => k !== 'id')) undeclared++;
        }
      }
      expect(undeclared).toBeGreaterThan(5);
    });
  }

  it('a name the patterns match, once the mask allows it, can always be completed within the budget', () => {
    const schema = SCHEMAS['pattern keys need far more than others']!;
    const g = compileGrammar(schema, vocab);
    const validate = ajv.compile(schema);
    const enc = new TextEncoder();
    const mask = vocab.allocateMask();
    let allowedK = 0;
    for (let budget = g.matcher().minTokensToComplete(); budget <= g.minBytes + 6; budget++) {
      const m = g.matcher({ maxTokens: budget });
      let ok = true;
      for (const t of vocab.tokenize(enc.encode('{"k'))) {
        m.fillMask(mask);
        if (!(mask[t >>> 5]! & (1 << (t & 31)))) ok = false;
        if (!ok) break;
        m.accept(t);
      }
      if (!ok) continue;
      allowedK++;
      const r = drive(m, vocab, PICKERS.uniform!, budget, budget + 1);
      expect(r.emptyMaskAt, `budget ${budget}: empty mask after {"k`).toBe(-1);
      expect(validate(JSON.parse(`{"k${r.text}`)), `budget ${budget}: {"k${r.text}`).toBe(true);
    }
    expect(allowedK).toBeGreaterThan(2);
  });

  it('masks from the key caches equal the plain walk through keys that match patterns', () => {
    const schema = SCHEMAS['two overlapping patterns (both apply) and an additionalProperties schema']!;
    const g = compileGrammar(schema, vocab);
    const enc = new TextEncoder();
    const a = vocab.allocateMask();
    const b = vocab.allocateMask();
    let compared = 0;
    for (const text of ['{"b_n":1,"nb":2,"zz":true}', '{"id":3,"n_n":4,"q":false}', '{"nq_n":7}']) {
      const cached = g.matcher({ witnesses: false });
      const plain = g.matcher({ stringCache: false, witnesses: false });
      for (const t of vocab.tokenize(enc.encode(text))) {
        cached.fillMask(a);
        plain.fillMask(b);
        expect(a, `before ${JSON.stringify(new TextDecoder().decode(vocab.tokens[t]!))} in ${text}`).toEqual(b);
        compared++;
        cached.accept(t);
        plain.accept(t);
      }
    }
    expect(compared).toBeGreaterThan(20);
  });

  it.each([
    [{ type: 'object', patternProperties: { '^x': {} }, additionalProperties: false }, '/patternProperties'],
    [{ type: 'object', properties: { xa: {} }, patternProperties: { '^x': { type: 'string' } } }, '/patternProperties'],
    [{ type: 'object', required: ['xb'], patternProperties: { '^x': { type: 'string' } } }, '/patternProperties'],
    [{ type: 'object', patternProperties: { '^x': {} }, propertyNames: { enum: ['a'] } }, '/patternProperties'],
    [{ type: 'object', patternProperties: Object.fromEntries('abcdefghi'.split('').map((c) => [c, {}])) }, '/patternProperties'],
    [{ allOf: [{ patternProperties: { '^x': { type: 'string' } } }, { additionalProperties: { type: 'integer' } }] }, '/allOf/1/additionalProperties'],
  ])('%j is refused at %s', (schema, pointer) => {
    let err: unknown;
    try {
      checkSchema(schema);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UnsupportedSchemaError);
    expect((err as UnsupportedSchemaError).pointer).toBe(pointer);
  });
});
