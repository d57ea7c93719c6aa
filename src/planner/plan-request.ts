/**
 * The seam of "a plan request": tools → format → prompt → grammar → (decode) → scan → validate.
 * The planner (and the worker through it), the CLI, the benchmarks and the evaluation prepare
 * requests here instead of rebuilding the pipeline from its parts; only the decode loop is theirs.
 *
 * A `PlanContext` is made once per loaded model (its vocabulary, tool-call syntax and grammar cache);
 * `prepare` makes a `PlanRequest` per call, which holds everything a decode needs and reads the
 * finished text back as a checked plan.
 */
import { GrammarCompiler, type CompilerOptions, type GrammarMatcher, type Vocabulary } from '../grammar/index.ts';
import type { Model } from '../model/index.ts';
import { PromptTooLongError } from './errors.ts';
import { formatOf, type PlanFormatSpec, type StepScan } from './formats/index.ts';
import { vocabularyOf } from './model-vocabulary.ts';
import type { Plan } from './plan.ts';
import { PlanGrammars, type PlanGrammar } from './plan-grammars.ts';
import { checkPlanOptions } from './plan-options.ts';
import { DEFAULT_PRESET, type ModelPreset, type PlanFormat } from './presets.ts';
import { buildPrompt, type PlanPrompt } from './prompt.ts';
import { queryOverLimit } from './query-length.ts';
import { detectToolCallSyntax, type ToolCallSyntax } from './tool-calls.ts';
import { ToolSet } from './tool-set.ts';
import type { Tool, ToolInput } from './tools.ts';
import type { PlanOptions } from './types.ts';
import { validatePlan } from './validate-plan.ts';

export const DEFAULT_MAX_TOKENS = 512;
export const DEFAULT_MAX_STEPS = 5;
const DEFAULT_CONTEXT = 8192;

export interface PlanContextOptions {
  /** Prompts, thinking switch, default format and tool-call syntax (default `DEFAULT_PRESET`). */
  preset?: ModelPreset;
  /** Refuse keywords and formats the engine does not enforce (`PlannerOptions.strictSchemas`). */
  strict?: boolean;
  /** Largest prompt + plan budget in tokens (default 8192, never above the model's window). */
  maxContextTokens?: number;
  /** Bytes the model's grammar compiler may cache (`PlannerOptions.grammarCacheBytes`). */
  grammarCacheBytes?: CompilerOptions['cacheBytes'];
}

/** Throws RangeError unless `query` is a non-empty string. */
export function checkQuery(query: unknown): asserts query is string {
  if (typeof query !== 'string' || query.trim() === '') throw new RangeError('the query must be a non-empty string');
}

/** What every request over one loaded model shares: its vocabulary, tool-call syntax and compiled grammars. */
export class PlanContext {
  readonly preset: ModelPreset;
  /** The syntax of `tool-calls` plans: the preset's, else the one the model's chat template writes. */
  readonly syntax: ToolCallSyntax;
  /** Largest prompt + plan in tokens. */
  readonly limit: number;
  private vocabulary: Vocabulary | undefined;
  private grammarCompiler: GrammarCompiler | undefined;
  private compiled: PlanGrammars | undefined;

  constructor(
    readonly model: Model,
    private readonly options: PlanContextOptions = {},
  ) {
    this.preset = options.preset ?? DEFAULT_PRESET;
    this.syntax = this.preset.toolCallSyntax ?? detectToolCallSyntax(model.tokenizer.chatTemplate, model.config.model_type);
    this.limit = Math.min(options.maxContextTokens ?? DEFAULT_CONTEXT, model.lm.maxLength);
  }

  /** The model's vocabulary as the engine sees it (built on first use: ~150k tokens take a while). */
  get vocab(): Vocabulary {
    return (this.vocabulary ??= vocabularyOf(this.model));
  }

  /** The compiler over the model's vocabulary: it owns the plan grammars and every engine cache of this model. */
  get compiler(): GrammarCompiler {
    return (this.grammarCompiler ??= new GrammarCompiler(this.vocab, { cacheBytes: this.options.grammarCacheBytes }));
  }

  /** The format a request gets without `options.format`. */
  get defaultFormat(): PlanFormat {
    return this.preset.format ?? 'steps';
  }

  /** The prompt of `query` over normalized `tools` in `format`, unchecked (an unconstrained run's input). */
  prompt(query: string, tools: readonly Tool[], format: PlanFormat = this.defaultFormat): PlanPrompt {
    return buildPrompt(this.model.tokenizer, tools, query, this.preset, format);
  }

  /**
   * Prepares one request: query and options checked, tools normalized and checked (ToolDefinitionError),
   * the prompt built and measured (PromptTooLongError), the plan grammar compiled or taken from the cache.
   */
  prepare(query: string, toolInput: readonly ToolInput[], o: PlanOptions = {}): PlanRequest {
    checkQuery(query);
    checkPlanOptions(o);
    const set = ToolSet.of(toolInput);
    const tools = set.tools;
    const format = formatOf(o.format ?? this.defaultFormat);
    const maxSteps = o.maxSteps ?? DEFAULT_MAX_STEPS;
    const minSteps = o.minSteps ?? 1;
    const maxTokens = o.maxTokens ?? DEFAULT_MAX_TOKENS;
    // A query far past the context is refused before it is tokenized in full.
    const over = queryOverLimit(this.model.tokenizer, query, this.limit - maxTokens - 1);
    if (over !== undefined) throw new PromptTooLongError(over, maxTokens, this.limit);
    this.compiled ??= new PlanGrammars(this.compiler, this.options.strict ?? false);
    const grammar = this.compiled.get(set, format, this.syntax, minSteps, maxSteps);
    const prompt = this.prompt(query, tools, format.name);
    if (prompt.tokens.length + maxTokens + 1 > this.limit) throw new PromptTooLongError(prompt.tokens.length, maxTokens, this.limit);
    return new PlanRequest(this.syntax, set, format, prompt, grammar, maxTokens, minSteps, maxSteps);
  }
}

/** One prepared request: what a decode needs, and the way back from its text to a checked plan. */
export class PlanRequest {
  constructor(
    readonly syntax: ToolCallSyntax,
    /** The tools as read when the call began (normalised, with their content key). */
    readonly toolSet: ToolSet,
    readonly format: PlanFormatSpec,
    readonly prompt: PlanPrompt,
    private readonly grammar: PlanGrammar,
    readonly maxTokens: number,
    readonly minSteps: number,
    readonly maxSteps: number,
  ) {}

  /** The tools, normalised. */
  get tools(): readonly Tool[] {
    return this.toolSet.tools;
  }

  /** A fresh matcher over the plan grammar, bounded to `maxTokens` (one per decode). */
  matcher(): GrammarMatcher {
    return this.grammar.matcher({ maxTokens: this.maxTokens });
  }

  /** A fresh scanner that spots steps in the streamed text as they close. */
  scanner(): StepScan {
    return this.format.scanner(this.tools, this.syntax);
  }

  /** The finished text as the plan: parsed in the format, then validated (PlanValidationError). */
  finish(text: string): Plan {
    return validatePlan(this.format.parse(text, this.tools, this.syntax), this.toolSet, this.minSteps, this.maxSteps);
  }
}
