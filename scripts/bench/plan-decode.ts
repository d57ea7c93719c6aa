/** One decode of the benchmarks' plan (fixture tools, plan schema of 5 steps), free or constrained, collecting its tokens. */
import { decode, type CausalLM, type DecodeStats, type Model, type Sampler } from '../../src/model/index.ts';
import { PlanContext } from '../../src/planner/index.ts';
import { QUERY, TOOLS } from '../lib/tools-fixture.ts';

/** One context per model: its vocabulary and compiled grammars are built once, as in the planner. */
const contexts = new WeakMap<Model, PlanContext>();

/** `masked`: constrained with a mask filled at every step (no greedy speculation, see DecodeOptions.speculate). */
export type PlanMode = 'free' | 'constrained' | 'masked' | 'jump';

/** `free`: exactly `maxNewTokens` tokens, no stop (as the bare loop); else the plan schema with a `budget`-token matcher. */
export async function decodePlan(lm: CausalLM, model: Model, prompt: readonly number[], mode: PlanMode, sampler: Sampler, maxNewTokens: number, budget: number): Promise<{ ids: number[]; stats: DecodeStats }> {
  let context = contexts.get(model);
  if (!context) contexts.set(model, (context = new PlanContext(model)));
  const matcher = mode === 'free' ? undefined : context.prepare(QUERY, TOOLS, { maxSteps: 5, maxTokens: budget }).matcher();
  const it = decode(lm, prompt, {
    sampler,
    maxNewTokens,
    stopTokens: mode === 'free' ? [] : model.eosTokenIds,
    constraint: matcher,
    jumpForward: mode === 'jump',
    speculate: mode !== 'masked',
  });
  const ids: number[] = [];
  let r = await it.next();
  while (!r.done) {
    ids.push(r.value.token);
    r = await it.next();
  }
  return { ids, stats: r.value };
}
