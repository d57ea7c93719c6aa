/**
 * The one compiled type: a JSON Schema or a structure, compiled for one vocabulary by a
 * GrammarCompiler (compiler.ts), from which a matcher is made per request.
 */
import { toDraft2020 } from './schema/drafts.ts';
import { UnsatisfiableSchemaError } from './errors.ts';
import { DONE, Stack, ws, type GrammarContext } from './frames/stack.ts';
import { ValueFrame } from './frames/value.ts';
import { GrammarMatcher, type MatcherOptions, type StringCaches } from './matcher.ts';
import { buildAll } from './schema/build-all.ts';
import { SchemaBuilder } from './schema/build.ts';
import { minBytesOf } from './schema/min-bytes.ts';
import type { SchemaMemo } from './schema/schema-memo.ts';
import { buildSegment } from './structure/segments.ts';
import type { Structure, WhitespacePolicy } from './structure/spec.ts';
import type { Vocabulary } from './vocabulary.ts';

export type { WhitespacePolicy };

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

export interface StructureOptions {
  /** Build the JSON parts' schemas only when the matcher reaches them (see CompileOptions.deferChecks). */
  deferChecks?: boolean;
  /** Refuse keywords and formats the engine does not enforce (see CompileOptions.strict). */
  strict?: boolean;
}

/** What a compiled grammar reads of the compiler that made it. */
export interface CompilerParts {
  readonly vocab: Vocabulary;
  readonly strings: StringCaches;
  readonly memo: SchemaMemo;
}

const context = (flexible: boolean): GrammarContext => ({ flexible, literalTries: new WeakMap() });

/**
 * A schema or a structure compiled for one vocabulary; make one matcher per request from it. Made by
 * a GrammarCompiler (`compileSchema`, `compileStructure`; `compileGrammar` and `compileStructure`
 * use the vocabulary's default compiler).
 */
export class CompiledGrammar {
  /** The vocabulary it was compiled for. */
  readonly vocab: Vocabulary;
  /** Shortest document, in bytes. */
  readonly minBytes: number;
  private readonly strings: StringCaches;
  private readonly start: () => Stack;

  /** @internal */
  constructor(
    parts: CompilerParts,
    /** What was compiled: a JSON Schema, or a structure. */
    readonly source: { readonly schema: unknown } | { readonly structure: Structure },
    options: CompileOptions & StructureOptions,
  ) {
    this.vocab = parts.vocab;
    this.strings = parts.strings;
    const deferChecks = options.deferChecks ?? false;
    const strict = options.strict ?? false;
    if ('schema' in source) {
      const ctx = context(options.whitespace === 'flexible');
      // Older drafts are read in their own meaning (drafts.ts), then built as 2020-12.
      const root = new SchemaBuilder(toDraft2020(source.schema), { strict, memo: parts.memo }).rootNode();
      if (!deferChecks) buildAll(root);
      this.minBytes = minBytesOf(root);
      if (this.minBytes === Infinity) throw new UnsatisfiableSchemaError('no JSON document satisfies this schema', '');
      let initial: Stack | undefined;
      this.start = () => (initial ??= ws(ctx, new Stack(new ValueFrame(ctx, root, 0), ws(ctx, DONE, 0)), 0));
    } else {
      const root = buildSegment(source.structure, { compact: context(false), flexible: context(true), deferChecks, strict, memo: parts.memo });
      this.minBytes = root.min;
      if (this.minBytes === Infinity) throw new UnsatisfiableSchemaError('no text satisfies this structure', '');
      this.start = () => root.push(DONE);
    }
  }

  /** The compiled JSON Schema (undefined for a structure). */
  get schema(): unknown {
    return 'schema' in this.source ? this.source.schema : undefined;
  }

  /** The compiled structure (undefined for a JSON Schema). */
  get structure(): Structure | undefined {
    return 'structure' in this.source ? this.source.structure : undefined;
  }

  /** A fresh matcher at the start of the document or text. */
  matcher(options: MatcherOptions = {}): GrammarMatcher {
    return new GrammarMatcher(this.vocab, this.strings, this.start(), options);
  }
}
