/**
 * Compiled plan grammars per (tool set, format, step bounds), so a call over tools seen before
 * skips the tool checks, the plan schema, and hashing a schema that is megabytes at 3,000 tools.
 * A new tool set has each tool's parameters checked on their own (errors name the tool), then the
 * plan grammar is built with deferred checks: only the first step's choice among the tools is built
 * before the first mask, and each tool's arguments when the model commits to it.
 */
import { CompiledGrammar, CompiledStructure, contentHash, type GrammarMatcher, type MatcherOptions, type Vocabulary } from '../grammar/index.ts';
import { LruCache } from '../grammar/lru.ts';
import { checkToolSchemas, checkToolsJson, checkXmlToolSchemas, schemaCheck } from './check-tools.ts';
import { checkStepBounds, planSchema } from './plan-schema.ts';
import type { PlanFormat } from './presets.ts';
import { toolCallStructure, type ToolCallSyntax } from './tool-calls.ts';
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

  /** The grammar of a plan over `tools`; throws ToolDefinitionError for a tool it cannot enforce. */
  get(tools: readonly Tool[], format: PlanFormat, syntax: ToolCallSyntax, minSteps: number, maxSteps: number): PlanGrammar {
    checkStepBounds(minSteps, maxSteps);
    // Before the key: a BigInt or a cycle would throw a TypeError from JSON.stringify, and NaN
    // would read as null there and pass as a tool set already checked.
    checkToolsJson(tools);
    const toolsKey = contentHash(JSON.stringify(tools.map((t) => [t.name, t.parameters])));
    const shape = format === 'tool-calls' ? `calls-${syntax}` : 'steps';
    if (!this.checked.has(toolsKey)) {
      checkToolSchemas(tools, schemaCheck(this.strict));
      this.checked.add(toolsKey);
    }
    if (shape === 'calls-xml' && !this.checked.has(`xml|${toolsKey}`)) {
      checkXmlToolSchemas(tools);
      this.checked.add(`xml|${toolsKey}`);
    }
    return this.grammars.get(`${shape}|${minSteps}|${maxSteps}|${toolsKey}`, () =>
      format === 'tool-calls'
        ? new CompiledStructure(toolCallStructure(tools, syntax, minSteps, maxSteps), this.vocab, { deferChecks: true, strict: this.strict })
        : new CompiledGrammar(planSchema(tools, maxSteps, minSteps), this.vocab, { whitespace: 'compact', deferChecks: true, strict: this.strict }),
    );
  }
}
