/**
 * The engine's lifecycle objects: a GrammarCompiler owns every cache computed over its vocabulary,
 * each bounded in (counted) bytes, reports their sizes and clears them; compilers over one
 * vocabulary share nothing but the vocabulary; the LRU under them honours both of its bounds.
 */
import { describe, expect, it } from 'vitest';
import { CompiledGrammar, CompiledStructure, compileGrammar, compilerFor, GrammarCompiler, SchemaMemo, Vocabulary } from '../../src/grammar/index.ts';
import { LruCache } from '../../src/shared/lru.ts';

const bytes = new Vocabulary({ tokens: [...Array.from({ length: 256 }, (_, b) => Uint8Array.of(b)), null], size: 257, stopTokens: [256] });
const allowed = (mask: Uint32Array, id: number) => (mask[id >>> 5]! & (1 << (id & 31))) !== 0;
const utf8 = new TextEncoder();

/** Walks `text` through a fresh matcher of `grammar`, filling a mask before each byte as decoding does. */
function walk(grammar: CompiledGrammar, text: string): void {
  const m = grammar.matcher({ maxTokens: 100_000 });
  const mask = bytes.allocateMask();
  for (const b of utf8.encode(text)) {
    m.fillMask(mask);
    expect(allowed(mask, b)).toBe(true);
    m.accept(b);
  }
  m.fillMask(mask);
  expect(allowed(mask, 256)).toBe(true);
}

// Distinct CJK characters meet a new partial UTF-8 state at almost every byte: many string entries.
const cjk = (n: number, from = 0) => Array.from({ length: n }, (_, i) => String.fromCodePoint(0x4e00 + (from + i) * 37)).join('');
const schemaN = (i: number) => ({ type: 'object', properties: { [`k${i}`]: { type: 'string', pattern: `^[a-z]{0,${i + 1}}$|^${cjk(3, i)}` } }, additionalProperties: { type: 'string' } });

describe('GrammarCompiler', () => {
  it('keeps every cache within its byte bound while filling them well past it', () => {
    const c = new GrammarCompiler(bytes, { cacheBytes: 256 * 1024 });
    let peakFree = 0;
    for (let i = 0; i < 60; i++) {
      const g = c.compileSchema(schemaN(i));
      walk(g, JSON.stringify({ [`k${i}`]: 'a', [cjk(5, i)]: cjk(40, i * 7) }));
      const s = c.cacheSizes();
      peakFree = Math.max(peakFree, s.freeStrings.entries);
      for (const part of [s.grammars, s.freeStrings, s.boundStrings, s.schemaParts]) expect(part.bytes).toBeLessThanOrEqual(part.byteLimit);
      expect(s.totalBytes).toBeLessThanOrEqual(s.byteLimit);
    }
    const s = c.cacheSizes();
    // Not vacuous: the caches held real entries, and the bound made the LRUs drop some.
    expect(s.grammars.entries).toBeGreaterThan(1);
    expect(s.grammars.entries).toBeLessThan(60);
    expect(peakFree).toBeGreaterThan(4);
    expect(s.boundStrings.entries).toBeGreaterThan(4);
    expect(s.totalBytes).toBeGreaterThan(s.byteLimit / 4);
  });

  it('reports sizes and clears them; matchers made before a clear keep working, and compiles after it', () => {
    const c = new GrammarCompiler(bytes);
    const g = c.compileSchema(schemaN(3));
    c.checkSchema({ type: 'object', properties: { q: { type: 'string', pattern: '^a+$' } } });
    const m = g.matcher({ maxTokens: 1000 });
    m.accept('{'.charCodeAt(0));
    walk(g, JSON.stringify({ k3: 'abc', [cjk(4)]: cjk(20) }));
    const before = c.cacheSizes();
    expect(before.grammars.entries).toBe(1);
    expect(before.freeStrings.entries).toBeGreaterThan(1);
    expect(before.schemaParts.entries).toBeGreaterThan(0);
    expect(before.schemaParts.checkedSchemas).toBe(1);
    c.clearCache();
    const after = c.cacheSizes();
    expect([after.grammars.entries, after.freeStrings.entries, after.boundStrings.entries, after.schemaParts.entries, after.schemaParts.checkedSchemas]).toEqual([0, 0, 0, 0, 0]);
    expect(after.totalBytes).toBe(0);
    // The matcher made before the clear goes on (its string entries are rebuilt on demand).
    for (const b of utf8.encode(`"k3":"ab"}`)) m.accept(b);
    expect(m.isComplete()).toBe(true);
    expect(c.compileSchema(schemaN(3))).not.toBe(g);
    walk(c.compileSchema(schemaN(3)), '{"k3":"a"}');
  });

  it('caches by content and options, and two compilers over one vocabulary share nothing', () => {
    const a = new GrammarCompiler(bytes);
    const b = new GrammarCompiler(bytes);
    const s = { type: 'array', items: { type: 'integer' } };
    expect(a.compileSchema(s)).toBe(a.compileSchema(structuredClone(s)));
    expect(a.compileSchema(s, { whitespace: 'flexible' })).not.toBe(a.compileSchema(s));
    expect(b.compileSchema(s)).not.toBe(a.compileSchema(s));
    expect(b.cacheSizes().grammars.entries).toBe(1);
    expect(a.cacheSizes().grammars.entries).toBe(2);
    // A given content key replaces the hash: the same key is the same grammar.
    let made = 0;
    const nul = () => (made++, { type: 'null' });
    expect(a.compileSchemaByKey('k1', 15, nul)).toBe(a.compileSchemaByKey('k1', 15, nul));
    expect(made).toBe(1); // a hit does not make the source
    expect(a.compileSchemaByKey('k2', 15, nul)).not.toBe(a.compileSchemaByKey('k1', 15, nul));
  });

  it('one compiled type serves schemas and structures', () => {
    const c = new GrammarCompiler(bytes);
    const st = c.compileStructure({ type: 'sequence', items: [{ type: 'text', text: 'x=' }, { type: 'json', schema: { type: 'integer' } }] });
    expect(st).toBeInstanceOf(CompiledGrammar);
    expect(st).toBeInstanceOf(CompiledStructure);
    expect(st.structure).toBeDefined();
    expect(st.schema).toBeUndefined();
    walk(st, 'x=12');
    expect(c.compileSchema({ type: 'integer' }).schema).toEqual({ type: 'integer' });
  });

  it('the free functions use each vocabulary’s default compiler, whose memo checkSchema shares', () => {
    expect(compileGrammar({ type: 'string' }, bytes)).toBe(compilerFor(bytes).compileSchema({ type: 'string' }));
    expect(compilerFor(bytes)).toBe(compilerFor(bytes));
    expect(new GrammarCompiler(bytes).memo).not.toBe(compilerFor(bytes).memo);
    expect(new GrammarCompiler(bytes, { memo: compilerFor(bytes).memo }).memo).toBe(compilerFor(bytes).memo);
    expect(() => new GrammarCompiler(bytes, { cacheBytes: 0 })).toThrow(RangeError);
  });

  it('a schema memo bounds its tables in bytes and forgets checked schemas on clear', () => {
    const memo = new SchemaMemo(64 * 1024);
    for (let i = 0; i < 3000; i++) memo.jsonBytes(`name-${i}-${'x'.repeat(40)}`);
    for (let i = 0; i < 500; i++) memo.parsedRegex(`^[a-z]{${i}}(foo|bar)+$`, false);
    const s = memo.sizes();
    expect(s.bytes).toBeLessThanOrEqual(s.byteLimit);
    expect(s.entries).toBeGreaterThan(100);
    expect(s.entries).toBeLessThan(3500);
  });
});

describe('LruCache', () => {
  it('drops least recently used entries past its entry or byte bound, and counts bytes exactly', () => {
    const dropped: string[] = [];
    const c = new LruCache<string, Uint8Array>({ entries: 4, bytes: 100, bytesOf: (v) => v.byteLength }, (k) => dropped.push(k));
    c.set('a', new Uint8Array(40));
    c.set('b', new Uint8Array(40));
    c.lookup('a');
    c.set('c', new Uint8Array(40)); // 120 > 100: b, the least recent, goes
    expect(dropped).toEqual(['b']);
    expect(c.bytes).toBe(80);
    c.set('a', new Uint8Array(10)); // replacing counts the new size and evicts nothing
    expect(c.bytes).toBe(50);
    for (const k of ['d', 'e', 'f']) c.set(k, new Uint8Array(1));
    expect(c.size).toBe(4);
    expect(dropped).toEqual(['b', 'c']);
    c.set('big', new Uint8Array(500)); // larger than the bound: held alone
    expect(c.size).toBe(1);
    expect(c.lookup('big')?.byteLength).toBe(500);
    c.clear();
    expect([c.size, c.bytes]).toEqual([0, 0]);
    expect(() => new LruCache<string, number>({ entries: 1, bytes: 10 })).toThrow(RangeError);
  });
});
