/**
 * A plan format: what the model is asked to write, the grammar that holds it to that, how its text
 * streams as steps and reads back as a plan. `steps` (one JSON document) and `tool-calls` (the model
 * family's native calls) are the two; everything that differs between them lives behind this.
 */
import type { CompiledGrammar, GrammarCompiler, SchemaMemo } from '../../grammar/index.ts';
import type { PlanStep } from '../plan.ts';
import type { ModelPreset, PlanFormat } from '../presets.ts';
import type { ToolCallSyntax } from '../tool-calls.ts';
import type { ToolSet } from '../tool-set.ts';
import type { Tool } from '../tools.ts';

/** Spots plan steps in streamed text as they close. */
export interface StepScan {
  /** Feeds more text; returns the steps that closed in it (as written: checked at the end). */
  push(chunk: string): unknown[];
}

export interface PlanFormatSpec {
  readonly name: PlanFormat;
  /** The system prompt of this format in `preset`. */
  systemPrompt(preset: ModelPreset): string;
  /** Checks this format needs beyond the schema check (ToolDefinitionError naming the tool). */
  checkTools(tools: readonly Tool[], syntax: ToolCallSyntax, memo: SchemaMemo): void;
  /** What the compiled grammar depends on besides the tools and step bounds (a cache key part). */
  shape(syntax: ToolCallSyntax): string;
  /** The grammar of a plan of `minSteps..maxSteps` steps over `tools`, with the tools' checks deferred. */
  compile(set: ToolSet, syntax: ToolCallSyntax, minSteps: number, maxSteps: number, compiler: GrammarCompiler, strict: boolean): CompiledGrammar;
  /** A fresh scanner for one generation. */
  scanner(tools: readonly Tool[], syntax: ToolCallSyntax): StepScan;
  /** The finished text as an unchecked plan `{ steps }` (throws when it does not parse). */
  parse(text: string, tools: readonly Tool[], syntax: ToolCallSyntax): unknown;
}

export type { PlanStep };
