/**
 * Compiled plan grammars per (tool set, format, step bounds), so a call over tools seen before
 * skips the tool checks, the plan schema, and hashing a schema that is megabytes at 3,000 tools.
 * A new tool set has each tool's parameters checked on their own (errors name the tool), then the
 * plan grammar is built with deferred checks: only the first step's choice among the tools is built
 * before the first mask, and each tool's arguments when the model commits to it.
 */
import { contentHash, type GrammarMatcher, type MatcherOptions, type Vocabulary } from '../grammar/index.ts';
import { LruCache } from '../grammar/lru.ts';
import type { PlanFormatSpec } from './formats/index.ts';
import { checkStepBounds } from './plan-schema.ts';
import type { ToolCallSyntax } from './tool-calls.ts';
import { checkToolSchemas, checkToolsJson, schemaCheck } from './tool-schemas.ts';
import type { Tool } from './tools.ts';

/** What the planner needs of a compiled grammar or structure. */
export interface PlanGrammar {
  matcher(options?: MatcherOptions): GrammarMatcher;
}

export class PlanGrammars {
  private readonly grammars: LruCache<string, PlanGrammar>;
  private readonly checked = new Set<string>();
  /** `strict`: refuse keywords and formats the engine does not enforce (PlannerOptions.strictSchemas). */
  constructor(
    private readonly vocab: Vocabulary,
    private readonly strict = false,
    limit = 8,
  ) {
    this.grammars = new LruCache(limit);
  }

  /** The grammar of a plan over `tools` in `format`; throws ToolDefinitionError for a tool it cannot enforce. */
  get(tools: readonly Tool[], format: PlanFormatSpec, syntax: ToolCallSyntax, minSteps: number, maxSteps: number): PlanGrammar {
    checkStepBounds(minSteps, maxSteps);
    // Before the key: a BigInt or a cycle would throw a TypeError from JSON.stringify, and NaN
    // would read as null there and pass as a tool set already checked.
    checkToolsJson(tools);
    const toolsKey = contentHash(JSON.stringify(tools.map((t) => [t.name, t.parameters])));
    const shape = format.shape(syntax);
    if (!this.checked.has(toolsKey)) {
      checkToolSchemas(tools, schemaCheck(this.strict));
      this.checked.add(toolsKey);
    }
    if (!this.checked.has(`${shape}|${toolsKey}`)) {
      format.checkTools(tools, syntax);
      this.checked.add(`${shape}|${toolsKey}`);
    }
    return this.grammars.get(`${shape}|${minSteps}|${maxSteps}|${toolsKey}`, () => format.compile(tools, syntax, minSteps, maxSteps, this.vocab, this.strict));
  }
}
