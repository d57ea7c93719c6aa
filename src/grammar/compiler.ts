/**
 * The engine's lifecycle, as XGrammar's: a Vocabulary (plain data) → a GrammarCompiler made from it,
 * which owns every cache computed over it → CompiledGrammar per schema or structure → GrammarMatcher
 * per request. Each cache has a byte bound (a share of `cacheBytes`), reports its size, and is
 * cleared with `clearCache()`.
 */
import { hashOf } from '../shared/content-hash.ts';
import { LruCache } from '../shared/lru.ts';
import { BoundStringCache } from './bound-string-cache.ts';
import { checkSchemaIn } from './check-schema.ts';
import { CompiledGrammar, type CompileOptions, type CompilerParts, type StructureOptions } from './compile.ts';
import { NORMAL } from './frames/string-bytes.ts';
import type { StringCaches } from './matcher.ts';
import type { BuildOptions } from './schema/build.ts';
import { defaultSchemaMemo, SchemaMemo } from './schema/schema-memo.ts';
import { FreeStringCache } from './string-cache.ts';
import type { Structure } from './structure/spec.ts';
import type { Vocabulary } from './vocabulary.ts';

/** Default byte bound of one compiler's caches together. */
export const DEFAULT_CACHE_BYTES = 256 * 2 ** 20;

/**
 * Counted bytes a compiled grammar holds per byte of its source's JSON: the largest heap growth per
 * JSON byte measured by `npm run bench:compiler-memory` (11.0 over BFCL's 982 functions compiled
 * one by one and built whole; 4.5 for one plan schema over all of them), rounded up. Grammars built
 * lazily (the planner's) hold less, so this over-counts them.
 */
export const GRAMMAR_BYTES_PER_SOURCE_BYTE = 12;

export interface CompilerOptions {
  /**
   * Bytes all of this compiler's caches may hold together (default 256 MiB): a quarter for compiled
   * grammars, five eighths for the vocabulary's string classifications (each a token bitmask and
   * per-token id, character and byte lists: 1.1 MB for the plain in-string state at 152k tokens), an
   * eighth for parsed patterns and names.
   */
  cacheBytes?: number;
  /**
   * The schema memo (parsed patterns, names, checked schemas) to share, e.g. with `checkSchema`'s
   * (the default compilers and the free functions share one); default: this compiler's own.
   */
  memo?: SchemaMemo;
}

/** One cache's size. */
export interface CacheSize {
  /** Entries held. */
  entries: number;
  /** Bytes held, as counted (typed arrays exactly; objects estimated, see held-bytes.ts). */
  bytes: number;
  /** Its byte bound. */
  byteLimit: number;
}

/** What a compiler's caches hold. */
export interface CompilerCacheSizes {
  /** Compiled grammars and structures, by content (bytes estimated from the source's JSON length). */
  grammars: CacheSize;
  /** Classifications of the vocabulary inside free-text strings (per string byte state). */
  freeStrings: CacheSize;
  /** Classifications inside pattern strings and object keys (per automaton state). */
  boundStrings: CacheSize;
  /** Parsed patterns, valid pattern sources, JSON bytes of names; `checkedSchemas` registered by checks. */
  schemaParts: CacheSize & { checkedSchemas: number };
  /** All of the above. */
  totalBytes: number;
  /** `cacheBytes`. */
  byteLimit: number;
}

/**
 * Compiles JSON Schemas and structures for one vocabulary and owns what is cached over it.
 *
 * @example
 * ```ts
 * import { GrammarCompiler, Vocabulary } from 'toolplan';
 *
 * // A byte-level vocabulary (ids 0..255 are the bytes, 256 ends the text); real ones come from a tokenizer.
 * const vocab = new Vocabulary({ tokens: [...Array.from({ length: 256 }, (_, b) => Uint8Array.of(b)), null], size: 257, stopTokens: [256] });
 * const compiler = new GrammarCompiler(vocab, { cacheBytes: 32 * 2 ** 20 });
 * const grammar = compiler.compileSchema({ type: 'object', properties: { city: { type: 'string' } } });
 * const m = grammar.matcher({ maxTokens: 64 });
 * m.accept('{'.charCodeAt(0));
 * console.log(compiler.cacheSizes().totalBytes > 0); // true: the grammar and the string classifications
 * compiler.clearCache();
 * ```
 */
export class GrammarCompiler {
  /** The compiler's caches of string classifications, read by its matchers. */
  private readonly strings: StringCaches;
  private readonly grammars: LruCache<string, { grammar: CompiledGrammar; bytes: number }>;
  /** The schema memo this compiler reads and fills. */
  readonly memo: SchemaMemo;
  private readonly byteLimit: number;

  constructor(
    /** The vocabulary compiled for (plain data; it may serve several compilers). */
    readonly vocab: Vocabulary,
    options: CompilerOptions = {},
  ) {
    const bytes = options.cacheBytes ?? DEFAULT_CACHE_BYTES;
    if (!(bytes > 0)) throw new RangeError('cacheBytes must be a positive number');
    this.byteLimit = bytes;
    this.memo = options.memo ?? new SchemaMemo(bytes / 8);
    this.grammars = new LruCache({ entries: 256, bytes: bytes / 4, bytesOf: (e) => e.bytes });
    const free = new FreeStringCache(vocab, (bytes * 5) / 16);
    const bound = new BoundStringCache(vocab, (bytes * 5) / 16);
    this.strings = { free, bound };
    // The common in-string state is classified up front, so the first mask inside a string does not pay for it;
    // so is an undeclared key's first byte state with its exits (~25 ms at 152k tokens: the first mask at a key
    // that may be undeclared, which most tool schemas allow, paid it in the middle of a plan).
    free.entry(NORMAL);
    bound.keyExits(NORMAL);
  }

  /** Compiles `schema`, or returns the cached grammar for the same content and options. */
  compileSchema(schema: unknown, options: CompileOptions = {}): CompiledGrammar {
    const json = JSON.stringify(schema);
    return this.compileSchemaByKey(hashOf(json), json.length, () => schema, options);
  }

  /** Compiles `structure`, or returns the cached result for the same content and options. */
  compileStructure(structure: Structure, options: StructureOptions = {}): CompiledGrammar {
    const json = JSON.stringify(structure);
    return this.compileStructureByKey(hashOf(json), json.length, () => structure, options);
  }

  /**
   * compileSchema under a content key the caller computed already (the planner's tool-set key), so
   * that a hit costs one lookup: `source` (a megabyte plan schema at 3,000 tools) is made only on a
   * miss. `sourceBytes`: its JSON length, for the byte bound. Equal keys must mean equal schemas.
   */
  compileSchemaByKey(key: string, sourceBytes: number, source: () => unknown, options: CompileOptions = {}): CompiledGrammar {
    const o = { whitespace: options.whitespace ?? 'compact', deferChecks: options.deferChecks ?? false, strict: options.strict ?? false } as const;
    const k = `schema|${o.whitespace}|${o.deferChecks ? 'defer' : 'check'}|${o.strict ? 'strict' : 'lax'}|${key}`;
    return this.cached(k, sourceBytes, () => new CompiledGrammar(this.parts(), { schema: source() }, o));
  }

  /** compileStructure under a content key the caller computed already (see compileSchemaByKey). */
  compileStructureByKey(key: string, sourceBytes: number, source: () => Structure, options: StructureOptions = {}): CompiledGrammar {
    const o = { deferChecks: options.deferChecks ?? false, strict: options.strict ?? false };
    const k = `structure|${o.deferChecks ? 'defer' : 'check'}|${o.strict ? 'strict' : 'lax'}|${key}`;
    return this.cached(k, sourceBytes, () => new CompiledGrammar(this.parts(), { structure: source() }, o));
  }

  /**
   * Throws the typed errors a compile would for `schema` (see `checkSchema`), keeping its built form
   * in this compiler's memo for larger schemas that embed the same object. `json`: its JSON, when
   * the caller has it already.
   */
  checkSchema(schema: unknown, options: BuildOptions = {}, json?: string): void {
    checkSchemaIn(this.memo, schema, options, json);
  }

  /** What each cache holds, and its bound. */
  cacheSizes(): CompilerCacheSizes {
    const { free, bound } = this.strings;
    const grammars = { entries: this.grammars.size, bytes: this.grammars.bytes, byteLimit: this.grammars.byteLimit };
    const freeStrings = { entries: free.size, bytes: free.bytes, byteLimit: free.byteLimit };
    const boundStrings = { entries: bound.size, bytes: bound.bytes, byteLimit: bound.byteLimit };
    const schemaParts = this.memo.sizes();
    return {
      grammars,
      freeStrings,
      boundStrings,
      schemaParts,
      totalBytes: grammars.bytes + freeStrings.bytes + boundStrings.bytes + schemaParts.bytes,
      byteLimit: this.byteLimit,
    };
  }

  /** Drops every cached grammar and classification, and the memo's contents (matchers in use keep working). */
  clearCache(): void {
    this.grammars.clear();
    this.strings.free.clear();
    this.strings.bound.clear();
    this.memo.clear();
  }

  private parts(): CompilerParts {
    return { vocab: this.vocab, strings: this.strings, memo: this.memo };
  }

  private cached(key: string, sourceBytes: number, make: () => CompiledGrammar): CompiledGrammar {
    let e = this.grammars.lookup(key);
    if (!e) this.grammars.set(key, (e = { grammar: make(), bytes: sourceBytes * GRAMMAR_BYTES_PER_SOURCE_BYTE }));
    return e.grammar;
  }
}

/** Each vocabulary's default compiler (weak: it goes with its vocabulary). */
const defaults = new WeakMap<Vocabulary, GrammarCompiler>();

/**
 * The default compiler of `vocab`, which `compileGrammar` and `compileStructure` use; its schema
 * memo is the one `checkSchema` fills, so a check is reused by a later compile.
 */
export function compilerFor(vocab: Vocabulary): GrammarCompiler {
  let c = defaults.get(vocab);
  if (!c) defaults.set(vocab, (c = new GrammarCompiler(vocab, { memo: defaultSchemaMemo })));
  return c;
}

/**
 * Compiles `schema` for `vocab` with its default compiler, or returns the cached grammar for the
 * same content.
 *
 * @example
 * ```ts
 * import { compileGrammar, Vocabulary } from 'toolplan';
 *
 * // A byte-level vocabulary (ids 0..255 are the bytes, 256 ends the text); real ones come from a tokenizer.
 * const vocab = new Vocabulary({ tokens: [...Array.from({ length: 256 }, (_, b) => Uint8Array.of(b)), null], size: 257, stopTokens: [256] });
 * const grammar = compileGrammar({ type: 'object', properties: { city: { type: 'string' } } }, vocab);
 * const m = grammar.matcher({ maxTokens: 64 });
 * const mask = vocab.allocateMask();
 * m.fillMask(mask); // bits of allowed token ids: here only '{'
 * m.accept('{'.charCodeAt(0));
 * ```
 */
export function compileGrammar(schema: unknown, vocab: Vocabulary, options: CompileOptions = {}): CompiledGrammar {
  return compilerFor(vocab).compileSchema(schema, options);
}

/**
 * Compiles `structure` for `vocab` with its default compiler, or returns the cached result for the
 * same content.
 *
 * @example
 * ```ts
 * import { compileStructure, Vocabulary, type Structure } from 'toolplan';
 *
 * // A byte-level vocabulary (ids 0..255 are the bytes, 256 ends the text); real ones come from a tokenizer.
 * const vocab = new Vocabulary({ tokens: [...Array.from({ length: 256 }, (_, b) => Uint8Array.of(b)), null], size: 257, stopTokens: [256] });
 * // `<tool_call>\n{"name": "get_weather", "arguments": {...}}\n</tool_call>`, once or twice
 * const call: Structure = { type: 'sequence', items: [
 *   { type: 'text', text: '<tool_call>\n{"name": "get_weather", "arguments": ' },
 *   { type: 'json', schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }, whitespace: 'flexible' },
 *   { type: 'text', text: '}\n</tool_call>' },
 * ] };
 * const m = compileStructure({ type: 'repeat', item: call, min: 1, max: 2, separator: '\n' }, vocab).matcher();
 * console.log(m.forcedTokens().length); // 50: all of '<tool_call>\n{"name": "get_weather", "arguments": {' is forced
 * ```
 */
export function compileStructure(structure: Structure, vocab: Vocabulary, options: StructureOptions = {}): CompiledGrammar {
  return compilerFor(vocab).compileStructure(structure, options);
}
