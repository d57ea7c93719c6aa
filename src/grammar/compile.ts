/**
 * Compiling a JSON Schema for a vocabulary, with compiled grammars cached by content hash.
 */
import { toDraft2020 } from './schema/drafts.ts';
import { UnsatisfiableSchemaError } from './errors.ts';
import { DONE, Stack, ws, type GrammarContext } from './frames/stack.ts';
import { ValueFrame } from './frames/value.ts';
import { GrammarMatcher, type MatcherOptions } from './matcher.ts';
import { hashOf } from './content-hash.ts';
import { LruCache } from './lru.ts';
import { buildAll } from './schema/build-all.ts';
import { SchemaBuilder } from './schema/build.ts';
import { minBytesOf } from './schema/min-bytes.ts';
import type { Node } from './schema/nodes.ts';
import type { Vocabulary } from './vocabulary.ts';

export type WhitespacePolicy = 'compact' | 'flexible';

export interface CompileOptions {
  /** `compact` (default): no whitespace. `flexible`: bounded whitespace between tokens. */
  whitespace?: WhitespacePolicy;
  /**
   * Build the schema's parts only when the matcher reaches them (default false: the whole schema is
   * built and checked at compile). For schemas whose parts were checked already — the planner checks
   * each tool's parameters on its own, then compiles the 3,000-tool plan schema this way, so that
   * only the first step's choice among tools is built before the first mask.
   */
  deferChecks?: boolean;
  /**
   * Refuse keywords and formats the engine does not enforce (UnsupportedSchemaError), annotations
   * aside (default false: unknown ones constrain nothing and are ignored, as JSON Schema says).
   */
  strict?: boolean;
}

/** A schema compiled for one vocabulary; make one matcher per request from it. */
export class CompiledGrammar {
  private readonly ctx: GrammarContext;
  private readonly root: Node;
  private start: Stack | undefined;

  constructor(
    readonly schema: unknown,
    readonly vocab: Vocabulary,
    readonly options: Required<CompileOptions>,
  ) {
    this.ctx = { flexible: options.whitespace === 'flexible', literalTries: new WeakMap() };
    // Older drafts are read in their own meaning (drafts.ts), then built as 2020-12.
    this.root = new SchemaBuilder(toDraft2020(schema), { strict: options.strict }).rootNode();
    if (!options.deferChecks) buildAll(this.root);
    if (minBytesOf(this.root) === Infinity) {
      throw new UnsatisfiableSchemaError('no JSON document satisfies this schema', '');
    }
  }

  /** Shortest document, in bytes. */
  get minBytes(): number {
    return minBytesOf(this.root);
  }

  private initial(): Stack {
    this.start ??= ws(this.ctx, new Stack(new ValueFrame(this.ctx, this.root, 0), ws(this.ctx, DONE, 0)), 0);
    return this.start;
  }

  /** A fresh matcher at the start of a document. */
  matcher(options: MatcherOptions = {}): GrammarMatcher {
    return new GrammarMatcher(this.vocab, this.initial(), options);
  }
}

const cache = new LruCache<string, CompiledGrammar>(64);

/**
 * Compiles `schema` for `vocab`, or returns the cached grammar for the same content.
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
  const opts: Required<CompileOptions> = { whitespace: options.whitespace ?? 'compact', deferChecks: options.deferChecks ?? false, strict: options.strict ?? false };
  const key = `${vocab.id}|${opts.whitespace}|${opts.deferChecks ? 'defer' : 'check'}|${opts.strict ? 'strict' : 'lax'}|${hashOf(JSON.stringify(schema))}`;
  return cache.get(key, () => new CompiledGrammar(schema, vocab, opts));
}
