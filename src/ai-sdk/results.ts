/** A planner's result in the AI SDK's terms: content parts, usage, finish reason and provider metadata. */
import type { JSONObject, LanguageModelV4Content, LanguageModelV4FinishReason, LanguageModelV4ToolCall, LanguageModelV4Usage, SharedV4ProviderMetadata } from '@ai-sdk/provider';
import type { PlanResult, PlanStep } from '../planner/index.ts';

/** Tool-call ids of one call: unique per call, so a conversation can hold many plans. */
export class CallIds {
  readonly prefix: string;
  constructor() {
    const r = typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function' ? crypto.randomUUID().slice(0, 8) : Math.random().toString(36).slice(2, 10);
    this.prefix = `toolplan-${r}`;
  }
  of(stepId: number): string {
    return `${this.prefix}-${stepId}`;
  }
}

/** One plan step as an AI SDK tool call; its dependencies (as tool-call ids) in `providerMetadata.toolplan`. */
export function toolCallOf(step: PlanStep, ids: CallIds): LanguageModelV4ToolCall {
  return {
    type: 'tool-call',
    toolCallId: ids.of(step.id),
    toolName: step.tool,
    input: JSON.stringify(step.args),
    providerMetadata: { toolplan: { step: step.id, dependsOn: step.depends_on.map((d) => ids.of(d)) } },
  };
}

export function toolCallsOf(result: PlanResult, ids: CallIds): LanguageModelV4Content[] {
  return result.plan.steps.map((s) => toolCallOf(s, ids));
}

export function usageOf(result: PlanResult | undefined): LanguageModelV4Usage {
  if (!result) return { inputTokens: { total: 0, noCache: 0, cacheRead: 0, cacheWrite: undefined }, outputTokens: { total: 0, text: 0, reasoning: 0 } };
  const s = result.stats;
  return {
    inputTokens: { total: s.promptTokens, noCache: s.prefilledTokens, cacheRead: s.promptTokens - s.prefilledTokens, cacheWrite: undefined },
    outputTokens: { total: s.tokens, text: s.tokens, reasoning: 0 },
  };
}

export const finishOf = (toolCalls: number): LanguageModelV4FinishReason =>
  toolCalls > 0 ? { unified: 'tool-calls', raw: 'tool-calls' } : { unified: 'stop', raw: 'stop' };

/** The whole plan, its stats and shortlist, under `providerMetadata.toolplan` (JSON values only). */
export function metadataOf(result: PlanResult | undefined, ids: CallIds, object: boolean): SharedV4ProviderMetadata {
  if (!result) return { toolplan: { plan: { steps: [] } } };
  const steps: JSONObject[] = object
    ? []
    : result.plan.steps.map((s) => ({ id: s.id, tool: s.tool, toolCallId: ids.of(s.id), dependsOn: s.depends_on.map((d) => ids.of(d)) }));
  const stats: JSONObject = { ...result.stats };
  const meta: JSONObject = { plan: { steps }, format: result.format, stats };
  if (result.shortlist) meta.shortlist = { kept: result.shortlist.kept, of: result.shortlist.of, ms: result.shortlist.ms };
  return { toolplan: meta };
}
