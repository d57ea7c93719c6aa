/** One decode of the benchmarks' plan (fixture tools, plan schema of 5 steps), free or constrained, collecting its tokens. */
import { compileGrammar } from '../../src/grammar/index.ts';
import { decode, type CausalLM, type DecodeStats, type Model, type Sampler } from '../../src/model/index.ts';
import { vocabularyOf } from '../../src/planner/model-vocabulary.ts';
import { planSchema } from '../../src/planner/plan-schema.ts';
import { normalizeTools } from '../../src/planner/tools.ts';
import { TOOLS } from '../lib/tools-fixture.ts';

export type PlanMode = 'free' | 'constrained' | 'jump';

/** `free`: exactly `maxNewTokens` tokens, no stop (as the bare loop); else the plan schema with a `budget`-token matcher. */
export async function decodePlan(lm: CausalLM, model: Model, prompt: readonly number[], mode: PlanMode, sampler: Sampler, maxNewTokens: number, budget: number): Promise<{ ids: number[]; stats: DecodeStats }> {
  const matcher = mode === 'free' ? undefined : compileGrammar(planSchema(normalizeTools(TOOLS), 5), vocabularyOf(model)).matcher({ maxTokens: budget });
  const it = decode(lm, prompt, {
    sampler,
    maxNewTokens,
    stopTokens: mode === 'free' ? [] : model.eosTokenIds,
    constraint: matcher,
    jumpForward: mode === 'jump',
  });
  const ids: number[] = [];
  let r = await it.next();
  while (!r.done) {
    ids.push(r.value.token);
    r = await it.next();
  }
  return { ids, stats: r.value };
}
