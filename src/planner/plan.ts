/**
 * The plan a planner returns, and helpers to use it. The library never executes tools.
 */

/** One step of a plan. */
export interface PlanStep<Args extends Record<string, unknown> = Record<string, unknown>> {
  /** 1-based position in the plan. */
  id: number;
  /** Name of the tool to call. */
  tool: string;
  /** Arguments, valid against the tool's parameters schema. */
  args: Args;
  /** Ids of earlier steps whose results this step needs (distinct, each < id). */
  depends_on: number[];
}

/** An execution plan. */
export interface Plan {
  steps: PlanStep[];
}

/** `step` with its dependencies as the final plan holds them: deduplicated, ascending (streamed steps too, unchecked). */
export function withSortedDependencies(step: PlanStep): PlanStep {
  if (Array.isArray(step.depends_on)) step.depends_on = [...new Set(step.depends_on)].sort((a, b) => a - b);
  return step;
}

/** An OpenAI Chat Completions `tool_calls` entry. */
export interface OpenAIToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/**
 * The plan as OpenAI `tool_calls`, in step order (ids `call_1`, `call_2`, …).
 *
 * @example
 * ```ts
 * import { toOpenAIToolCalls, type OpenAIToolCall, type Plan } from 'toolplan';
 *
 * const plan: Plan = { steps: [{ id: 1, tool: 'get_weather', args: { city: 'Lisbon' }, depends_on: [] }] };
 * const messages: { role: string; content: string | null; tool_calls?: OpenAIToolCall[] }[] = [];
 * messages.push({ role: 'assistant', content: null, tool_calls: toOpenAIToolCalls(plan) });
 * ```
 */
export function toOpenAIToolCalls(plan: Plan): OpenAIToolCall[] {
  return plan.steps.map((s) => ({ id: `call_${s.id}`, type: 'function', function: { name: s.tool, arguments: JSON.stringify(s.args) } }));
}

/**
 * Steps grouped into waves: every step of a wave depends only on steps of earlier waves, so a
 * wave's calls can run concurrently.
 *
 * @example
 * ```ts
 * import { executionOrder, type Plan, type PlanStep } from 'toolplan';
 *
 * const plan: Plan = { steps: [
 *   { id: 1, tool: 'get_weather', args: { city: 'Lisbon' }, depends_on: [] },
 *   { id: 2, tool: 'get_weather', args: { city: 'Porto' }, depends_on: [] },
 *   { id: 3, tool: 'send_email', args: { to: 'ana@example.com' }, depends_on: [1, 2] },
 * ] };
 * const run = async (step: PlanStep): Promise<void> => console.log('running', step.tool, step.args);
 * for (const wave of executionOrder(plan)) await Promise.all(wave.map(run)); // [1, 2] together, then [3]
 * ```
 */
export function executionOrder(plan: Plan): PlanStep[][] {
  const level = new Map<number, number>();
  const waves: PlanStep[][] = [];
  for (const s of plan.steps) {
    let l = 0;
    for (const d of s.depends_on) {
      const dl = level.get(d);
      if (dl === undefined) throw new RangeError(`step ${s.id} depends on ${d}, which is not an earlier step`);
      l = Math.max(l, dl + 1);
    }
    level.set(s.id, l);
    (waves[l] ??= []).push(s);
  }
  return waves;
}
