/** Unit tests of the engine's API on the full Qwen vocabulary (151,936 ids). */
import Ajv2020 from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import {
  checkSchema,
  compileGrammar,
  compileStructure,
  InvalidSchemaError,
  TokenRejectedError,
  UnsatisfiableSchemaError,
  UnsupportedSchemaError,
  type Structure,
} from '../../src/grammar/index.ts';
import { allowedTokens, drive, PICKERS } from '../helpers/drive.ts';
import { qwenVocabulary } from '../../scripts/lib/qwen-vocab.ts';

const vocab = qwenVocabulary();
const enc = new TextEncoder();

const PLAN = {
  type: 'object',
  properties: {
    steps: {
      type: 'array',
      minItems: 1,
      maxItems: 3,
      items: {
        oneOf: ['web_search', 'send_email', 'summarize'].map((tool) => ({
          type: 'object',
          properties: {
            id: { type: 'integer', minimum: 1, maximum: 3 },
            tool: { const: tool },
            args: { type: 'object', properties: { text: { type: 'string', maxLength: 30 } }, required: ['text'], additionalProperties: false },
          },
          required: ['id', 'tool', 'args'],
          additionalProperties: false,
        })),
      },
    },
  },
  required: ['steps'],
  additionalProperties: false,
};

function acceptText(m: ReturnType<ReturnType<typeof compileGrammar>['matcher']>, text: string): void {
  for (const t of vocab.tokenize(enc.encode(text))) m.accept(t);
}

describe('refusals are typed and carry a JSON pointer', () => {
  it.each([
    // An annotation and an unknown keyword pass; the first refused assertion is named.
    [{ type: 'object', properties: { a: { type: 'string', contentEncoding: 'base64', 'x-vendor': 1, not: { maxLength: 2 } } } }, '/properties/a/not'],
    [{ type: 'array', items: { type: 'integer' }, uniqueItems: true }, '/uniqueItems'],
    [{ patternProperties: { '^x': {} }, additionalProperties: false }, '/patternProperties'],
    [{ type: 'string', format: 'hostname' }, '/format'],
    [{ type: 'number', multipleOf: 0.5 }, '/multipleOf'],
    [{ type: 'string', pattern: '(?=a)b' }, '/pattern'],
    [{ oneOf: [{ type: 'integer' }, { type: 'number' }] }, ''],
  ])('%j → UnsupportedSchemaError at %s', (schema, pointer) => {
    let err: unknown;
    try {
      compileGrammar(schema, vocab);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UnsupportedSchemaError);
    expect((err as UnsupportedSchemaError).pointer).toBe(pointer);
  });

  it('malformed schemas and unsatisfiable ones get their own errors', () => {
    expect(() => compileGrammar({ type: 'strin' }, vocab)).toThrow(InvalidSchemaError);
    expect(() => compileGrammar({ $ref: '#/$defs/missing' }, vocab)).toThrow(InvalidSchemaError);
    expect(() => compileGrammar({ type: 'string', minLength: 5, maxLength: 2 }, vocab)).toThrow(UnsatisfiableSchemaError);
  });
});

describe('matcher', () => {
  it('accepts a valid plan token by token, allows the stop token only at the end', () => {
    const m = compileGrammar(PLAN, vocab).matcher();
    const mask = vocab.allocateMask();
    const text = '{"steps":[{"id":1,"tool":"web_search","args":{"text":"flights to Lisbon"}}]}';
    const toks = vocab.tokenize(enc.encode(text));
    for (const t of toks) {
      m.fillMask(mask);
      expect(allowedTokens(mask, vocab.size)).toContain(t);
      expect(m.isComplete()).toBe(false);
      m.accept(t);
    }
    expect(m.isComplete()).toBe(true);
    m.fillMask(mask);
    expect(allowedTokens(mask, vocab.size)).toEqual([...vocab.stopTokens].sort((a, b) => a - b));
  });

  it('a discriminated union whose first branch cannot complete: the others keep their masks, budget and keys', () => {
    // allOf merges the outer object into each anyOf branch: the outer additionalProperties: false
    // rules out the "extra" that branch "a" requires, and branch "c" allows one property only, so
    // neither can complete; before the fix the prefix was parsed on that first branch (its
    // maxProperties refused the "kind" key; its infinite tail made every shortest completion NaN).
    const outer = { type: 'object', properties: { name: { type: 'string' }, kind: { type: 'string' }, n: { type: 'integer' } }, required: ['name', 'kind'], additionalProperties: false };
    const b = { properties: { kind: { const: 'b' }, n: { minimum: 0 } } };
    const cases: [unknown, string][] = [
      [{ allOf: [outer, { anyOf: [{ properties: { kind: { const: 'a' }, extra: {} }, required: ['extra'] }, b] }] }, '{"name":"x","kind":"b","n":3}'],
      [{ allOf: [outer, { anyOf: [{ properties: { kind: { const: 'c' } }, maxProperties: 1 }, b] }] }, '{"name":"x","kind":"b","n":3}'],
    ];
    const mask = vocab.allocateMask();
    for (const [schema, text] of cases) {
      const g = compileGrammar(schema, vocab);
      expect(g.minBytes).toBe('{"name":"","kind":"b"}'.length);
      const m = g.matcher({ maxTokens: 64 });
      for (const t of vocab.tokenize(enc.encode(text))) {
        expect(m.minBytesToComplete()).toBeLessThan(Infinity);
        m.fillMask(mask);
        expect(allowedTokens(mask, vocab.size)).toContain(t);
        m.accept(t);
      }
      expect(m.isComplete()).toBe(true);
      expect(() => acceptText(g.matcher(), '{"name":"x","kind":"a"')).toThrow(TokenRejectedError);
    }
  });

  it('a union whose branches meet a property as true, or with no common type, still compiles (the branch that cannot hold it is dead)', () => {
    const loose = compileGrammar({ type: 'object', properties: { x: true }, anyOf: [{ properties: { y: {} } }, { required: ['q'] }] }, vocab);
    acceptText(loose.matcher(), '{"x":[1]}');
    const typed = compileGrammar({ type: 'object', properties: { a: { type: 'integer' } }, anyOf: [{ properties: { a: { type: 'string' } }, required: ['a'] }, { properties: { b: { type: 'boolean' } } }] }, vocab);
    const m = typed.matcher();
    acceptText(m, '{"a":1,"b":true}');
    expect(m.isComplete()).toBe(true);
    expect(() => acceptText(typed.matcher(), '{"a":"s"')).toThrow(TokenRejectedError);
  });

  it('rejects what the schema forbids: unknown tool, extra key, raw newline in a string', () => {
    for (const bad of ['{"steps":[{"id":1,"tool":"rm_rf"', '{"steps":[],"x"', '{"steps":[{"id":1,"tool":"summarize","args":{"text":"a\n']) {
      const m = compileGrammar(PLAN, vocab).matcher();
      expect(() => acceptText(m, bad)).toThrow(TokenRejectedError);
    }
  });

  it('rollback restores the state', () => {
    const m = compileGrammar(PLAN, vocab).matcher();
    acceptText(m, '{"steps":[{"id":2');
    const mask1 = vocab.allocateMask();
    m.fillMask(mask1);
    const n = m.accepted;
    acceptText(m, ',"tool":"send_email');
    m.rollback(m.accepted - n);
    const mask2 = vocab.allocateMask();
    m.fillMask(mask2);
    expect(mask2).toEqual(mask1);
  });

  it('forcedTokens returns the bytes the grammar leaves no choice about', () => {
    const m = compileGrammar(PLAN, vocab).matcher();
    const dec = new TextDecoder();
    expect(dec.decode(m.forcedBytes())).toBe('{"steps":[{"id":');
    const text = (ids: number[]) => dec.decode(Uint8Array.from(ids.flatMap((t) => [...vocab.tokens[t]!])));
    // No token longer than the last one (`":`) is allowed before the integer: all of it is forced.
    const forced = m.forcedTokens();
    expect(text(forced)).toBe('{"steps":[{"id":');
    for (const t of forced) m.accept(t);
    expect(m.forcedBytes().length).toBe(0);
    acceptText(m, '3,"tool":"summarize"');
    expect(dec.decode(m.forcedBytes())).toBe(',"args":{"text":"');
    // Before a string the last token may merge with its first word (`":"` + `hello`): held back.
    const held = m.forcedTokens();
    expect(held.length).toBeGreaterThan(0);
    expect(',"args":{"text":"'.startsWith(text(held))).toBe(true);
    expect(text(held).length).toBeLessThan(',"args":{"text":"'.length);
  });

  it('a random walk on the full vocabulary ends valid within a 64-token budget', () => {
    const g = compileGrammar(PLAN, vocab);
    const ajv = new Ajv2020({ strict: true });
    const validate = ajv.compile(PLAN);
    for (const [name, pick] of Object.entries(PICKERS)) {
      expect(g.minBytes).toBe(58);
      const r = drive(g.matcher({ maxTokens: 64 }), vocab, pick, 7, 65);
      expect(r.emptyMaskAt, name).toBe(-1);
      expect(validate(JSON.parse(r.text)), `${name}: ${r.text}`).toBe(true);
    }
  });

  it('flexible whitespace accepts pretty-printed JSON, compact does not', () => {
    const pretty = JSON.stringify({ steps: [{ id: 1, tool: 'summarize', args: { text: 'x' } }] }, null, 2);
    const flex = compileGrammar(PLAN, vocab, { whitespace: 'flexible' }).matcher();
    acceptText(flex, pretty);
    expect(flex.isComplete()).toBe(true);
    expect(() => acceptText(compileGrammar(PLAN, vocab).matcher(), pretty)).toThrow(TokenRejectedError);
  });
});

describe('free-string cache', () => {
  const schema = {
    type: 'object',
    properties: { a: { type: 'string', minLength: 3, maxLength: 9 }, b: { type: 'string' }, c: { type: 'integer' } },
    required: ['a', 'b'],
    additionalProperties: false,
  };
  // Prefixes ending inside strings in different byte states and near length bounds.
  const prefixes = ['{"a":"', '{"a":"ab', '{"a":"abcdefg', '{"a":"abc\\', '{"a":"abc\\u00', '{"a":"xyz","b":"', '{"a":"xyz","b":"caf'];
  const utf8Partial = [0xe2, 0x82]; // first two bytes of "€"

  function maskAfter(bytes: Uint8Array, cache: boolean, maxTokens?: number): Uint32Array {
    const m = compileGrammar(schema, vocab).matcher({ stringCache: cache, witnesses: false, ...(maxTokens ? { maxTokens } : {}) });
    for (const b of bytes) m.accept(vocab.byteToken[b]!);
    const mask = vocab.allocateMask();
    m.fillMask(mask);
    return mask;
  }

  it.each(prefixes)('gives the plain walk’s mask after %s', (prefix) => {
    const bytes = enc.encode(prefix);
    expect(maskAfter(bytes, true)).toEqual(maskAfter(bytes, false));
  });

  it('gives the plain walk’s mask mid-UTF-8 and under a tight budget', () => {
    const mid = Uint8Array.from([...enc.encode('{"a":"ab'), ...utf8Partial]);
    expect(maskAfter(mid, true)).toEqual(maskAfter(mid, false));
    const tight = enc.encode('{"a":"abc');
    // 9 bytes accepted; 14 more needed at least ('","b":""}'): a budget just above that narrows.
    for (const budget of [9 + 10, 9 + 12, 9 + 16]) {
      const a = maskAfter(tight, true, budget);
      expect(a).toEqual(maskAfter(tight, false, budget));
      expect(allowedTokens(a, vocab.size).length).toBeGreaterThan(0);
    }
  });
});

describe('bound-string cache (patterns, formats, object keys)', () => {
  const schema = {
    type: 'object',
    properties: {
      to: { type: 'string', format: 'email' },
      code: { type: 'string', pattern: '^[A-Z]{2}-[0-9]{2,4}$' },
      name: { type: 'string', minLength: 2, maxLength: 6 },
    },
    required: ['to'],
    additionalProperties: { type: 'integer' },
  };
  const prefixes = ['{"to":"', '{"to":"ana.b', '{"to":"ana@ex', '{"to":"ana@example.co', '{"to":"a@b.cd","code":"A', '{"to":"a@b.cd","code":"AB-12', '{"to":"a@b.cd","', '{"to":"a@b.cd","na', '{"to":"a@b.cd","zz', '{"to":"a@b.cd","name":"xy","caf'];

  function maskAfter(text: string, cache: boolean, maxTokens?: number): Uint32Array {
    const m = compileGrammar(schema, vocab).matcher({ stringCache: cache, witnesses: false, ...(maxTokens ? { maxTokens } : {}) });
    for (const b of enc.encode(text)) m.accept(vocab.byteToken[b]!);
    const mask = vocab.allocateMask();
    m.fillMask(mask);
    return mask;
  }

  it.each(prefixes)('gives the plain walk’s mask after %s', (prefix) => {
    const a = maskAfter(prefix, true);
    expect(allowedTokens(a, vocab.size).length).toBeGreaterThan(0);
    expect(a).toEqual(maskAfter(prefix, false));
  });

  it('gives the plain walk’s mask under tight budgets', () => {
    for (const prefix of ['{"to":"ana@ex', '{"to":"a@b.cd","zz']) {
      const used = enc.encode(prefix).length;
      for (const extra of [12, 14, 16, 20, 30]) expect(maskAfter(prefix, true, used + extra)).toEqual(maskAfter(prefix, false, used + extra));
    }
  });
});

describe('raw-text caches (XML values: free text and patterns)', () => {
  const params = {
    type: 'object',
    properties: {
      note: { type: 'string', minLength: 2, maxLength: 12 },
      to: { type: 'string', format: 'email' },
      body: { type: 'string' },
    },
    required: ['note', 'to'],
  };
  const structure: Structure = {
    type: 'sequence',
    items: [{ type: 'text', text: '<function=f>\n' }, { type: 'xml_parameters', schema: params }, { type: 'text', text: '</function>' }],
  };
  const head = '<function=f>\n<parameter=note>\n';
  const prefixes = [head, `${head}ab`, `${head}a "b" \\c`, `${head}abcdefghij`, `${head}ab\n</para`, `${head}xy\n</parameter>\n<parameter=to>\nana.b`, `${head}xy\n</parameter>\n<parameter=to>\nana@ex`];

  function maskAfter(bytes: Uint8Array, cache: boolean, maxTokens?: number): Uint32Array {
    const m = compileStructure(structure, vocab).matcher({ stringCache: cache, witnesses: false, ...(maxTokens ? { maxTokens } : {}) });
    for (const b of bytes) m.accept(vocab.byteToken[b]!);
    const mask = vocab.allocateMask();
    m.fillMask(mask);
    return mask;
  }

  it.each(prefixes.map((p) => [JSON.stringify(p), p]))('gives the plain walk’s mask after %s', (_, prefix) => {
    const bytes = enc.encode(prefix);
    const a = maskAfter(bytes, true);
    expect(allowedTokens(a, vocab.size).length).toBeGreaterThan(0);
    expect(a).toEqual(maskAfter(bytes, false));
  });

  it('gives the plain walk’s mask mid-UTF-8 and under tight budgets', () => {
    const mid = Uint8Array.from([...enc.encode(`${head}ab`), 0xe2, 0x82]);
    expect(maskAfter(mid, true)).toEqual(maskAfter(mid, false));
    for (const prefix of [`${head}abc`, `${head}xy\n</parameter>\n<parameter=to>\nana@ex`]) {
      const bytes = enc.encode(prefix);
      const probe = compileStructure(structure, vocab).matcher();
      for (const b of bytes) probe.accept(vocab.byteToken[b]!);
      // Budgets from "just enough" up: the narrowing must agree with the walk at every distance.
      for (const slack of [1, 2, 4, 8, 16, 40]) {
        const budget = bytes.length + probe.minBytesToComplete() + slack;
        const a = maskAfter(bytes, true, budget);
        expect(allowedTokens(a, vocab.size).length).toBeGreaterThan(0);
        expect(a).toEqual(maskAfter(bytes, false, budget));
      }
    }
  });
});

describe('deferChecks', () => {
  const schema = {
    type: 'object',
    properties: { a: { type: 'string' }, b: { type: 'object', properties: { c: { type: 'integer', multipleOf: 0.5 } } } },
    required: ['a'],
  };

  it('by default the whole schema is built and checked at compile', () => {
    expect(() => compileGrammar(schema, vocab)).toThrow(UnsupportedSchemaError);
  });

  it('deferred, only what the first masks need is built: the fault surfaces when the matcher reaches it', () => {
    const m = compileGrammar(schema, vocab, { deferChecks: true }).matcher();
    const mask = vocab.allocateMask();
    acceptText(m, '{"a":"x"');
    m.fillMask(mask);
    expect(allowedTokens(mask, vocab.size).length).toBeGreaterThan(1);
    acceptText(m, ',"b":');
    // b's value may be an object whose key "c" needs c's schema: the refusal comes here, typed.
    expect(() => m.fillMask(mask)).toThrow(UnsupportedSchemaError);
    const ok = compileGrammar(schema, vocab, { deferChecks: true }).matcher();
    acceptText(ok, '{"a":"x');
    ok.fillMask(mask);
    expect(allowedTokens(mask, vocab.size).length).toBeGreaterThan(1000);
  });
});

describe('checkSchema (no vocabulary; built nodes kept for embedding schemas)', () => {
  it('throws the typed errors compileGrammar throws, with the pointer', () => {
    let err: unknown;
    try {
      checkSchema({ type: 'object', properties: { tags: { type: 'array', uniqueItems: true } } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UnsupportedSchemaError);
    expect((err as UnsupportedSchemaError).pointer).toBe('/properties/tags/uniqueItems');
    expect(() => checkSchema({ type: 'string', minLength: 3, maxLength: 1 })).toThrow(UnsatisfiableSchemaError);
  });

  it('a schema embedding a checked object follows that object’s content at its latest check', () => {
    const params: Record<string, unknown> = { type: 'object', properties: { a: { enum: ['x'] } }, required: ['a'], additionalProperties: false };
    checkSchema(params);
    const plan = (p: unknown) => ({ type: 'object', properties: { args: p }, required: ['args'], additionalProperties: false });
    const first = compileGrammar(plan(params), vocab, { deferChecks: true }).matcher();
    acceptText(first, '{"args":{"a":"x"}}');
    expect(first.isComplete()).toBe(true);
    // Changed in place, then checked again (as the planner does for a tool set it has not seen).
    params.properties = { a: { enum: ['y'] } };
    checkSchema(params);
    const second = compileGrammar(plan(params), vocab, { deferChecks: true }).matcher();
    expect(() => acceptText(second, '{"args":{"a":"x"')).toThrow(TokenRejectedError);
    acceptText(compileGrammar(plan(params), vocab, { deferChecks: true }).matcher(), '{"args":{"a":"y"}}');
    // Changed to something unsupported: the check says so.
    params.properties = { a: { type: 'array', uniqueItems: true } };
    expect(() => checkSchema(params)).toThrow(UnsupportedSchemaError);
  });
});
