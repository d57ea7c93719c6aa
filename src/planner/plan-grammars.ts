/**
 * Plan grammars per (tool set, format, step bounds), so a call over tools seen before skips the tool
 * checks, the plan schema, and hashing a schema that is megabytes at 3,000 tools. A new tool set has
 * each tool's parameters checked on their own (errors name the tool), then the plan grammar is built
 * with deferred checks: only the first step's choice among the tools is built before the first mask,
 * and each tool's arguments when the model commits to it. The grammars live in the model's
 * GrammarCompiler, under the tool set's content key (bounded in bytes there).
 */
import { LruCache } from '../shared/lru.ts';
import type { GrammarCompiler, GrammarMatcher, MatcherOptions } from '../grammar/index.ts';
import type { PlanFormatSpec } from './formats/index.ts';
import { checkStepBounds } from './plan-schema.ts';
import type { ToolCallSyntax } from './tool-calls.ts';
import { checkToolSchemas } from './tool-schemas.ts';
import type { ToolSet } from './tool-set.ts';

/** What the planner needs of a compiled grammar or structure. */
export interface PlanGrammar {
  matcher(options?: MatcherOptions): GrammarMatcher;
}

/** Tool sets (and set × format shapes) already checked, by content key. */
const CHECKED = 1024;

export class PlanGrammars {
  private readonly checked = new LruCache<string, true>(CHECKED);
  /** `strict`: refuse keywords and formats the engine does not enforce (PlannerOptions.strictSchemas). */
  constructor(
    private readonly compiler: GrammarCompiler,
    private readonly strict = false,
  ) {}

  /** The grammar of a plan over `set` in `format`; throws ToolDefinitionError for a tool it cannot enforce. */
  get(set: ToolSet, format: PlanFormatSpec, syntax: ToolCallSyntax, minSteps: number, maxSteps: number): PlanGrammar {
    checkStepBounds(minSteps, maxSteps);
    const shape = format.shape(syntax);
    if (!this.checked.lookup(set.key)) {
      // Plain JSON was checked when the set was made; each schema's JSON is the one its key was read from.
      set.tools.forEach((t, i) => checkToolSchemas([t], (s) => this.compiler.checkSchema(s, { strict: this.strict }, set.parametersJson(i)), true));
      this.checked.set(set.key, true);
    }
    if (!this.checked.lookup(`${shape}|${set.key}`)) {
      format.checkTools(set.tools, syntax, this.compiler.memo);
      this.checked.set(`${shape}|${set.key}`, true);
    }
    return format.compile(set, syntax, minSteps, maxSteps, this.compiler, this.strict);
  }
}
