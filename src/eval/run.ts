/**
 * Runs cases through a model: constrained through the planner API (the product path), or
 * unconstrained — the same prompt, sampler and budget with no grammar — to show what the
 * constraint buys. Node path (onnxruntime-node).
 */
import { decode, loadModel, Sampler, type DeviceRequest, type ModelDtype } from '../model/index.ts';
import { formatOf, normalizeTools, PlanContext, Planner, ToolDefinitionError, type PlanFormat, type Tool, type ToolCallSyntax } from '../planner/index.ts';
import { difficulty, type EvalCase } from './cases.ts';
import { parsePlan, scorePlan, type CaseMetrics, type PlanLike } from './metrics.ts';

export type EvalMode = 'constrained' | 'unconstrained';

export interface EvalOptions {
  model: string;
  dtype?: ModelDtype;
  device?: DeviceRequest;
  mode: EvalMode;
  /** What the model is asked to write (default `steps`); `tool-calls` scores its native calls read back as a plan. */
  format?: PlanFormat;
  /** Token budget per plan (default 512). */
  maxTokens?: number;
  temperature?: number;
  seed?: number;
  onCase?: (r: CaseResult, done: number, total: number) => void;
}

export interface CaseResult {
  id: string;
  category: string;
  difficulty: string;
  mode: EvalMode;
  /** Skipped: the tools use a JSON Schema keyword the engine refuses (named here). */
  skipped?: string;
  text: string;
  metrics: CaseMetrics | null;
  ms: number;
  tokens: number;
}

const now = () => performance.now();

/** Reads an output as a plan in `format`; null when it does not parse (the "valid" metric). */
function readPlan(tools: readonly Tool[], text: string, format: PlanFormat, syntax: ToolCallSyntax): PlanLike | null {
  // Steps: a lenient read (code fences, prose around the JSON); tool calls: the format's own reader.
  if (format === 'steps') return parsePlan(text);
  try {
    return formatOf(format).parse(text, tools, syntax) as PlanLike;
  } catch {
    return null;
  }
}

/** Evaluates `cases` in one mode; a case whose tools cannot be compiled is reported as skipped. */
export async function runEval(cases: readonly EvalCase[], o: EvalOptions): Promise<CaseResult[]> {
  const maxTokens = o.maxTokens ?? 512;
  const results: CaseResult[] = [];
  const base = (c: EvalCase) => ({ id: c.id, category: c.category, difficulty: difficulty(c), mode: o.mode });
  const push = (r: CaseResult) => {
    results.push(r);
    o.onCase?.(r, results.length, cases.length);
  };
  const format = o.format ?? 'steps';
  if (o.mode === 'constrained') {
    const planner = await Planner.create({ model: o.model, ...(o.dtype ? { dtype: o.dtype } : {}), device: o.device ?? 'auto' });
    const syntax = planner.info!.toolCallSyntax;
    try {
      for (const c of cases) {
        const t0 = now();
        try {
          // minSteps 0: the model may answer that no tool fits (BFCL irrelevance).
          const r = await planner.plan(c.query, c.tools, { minSteps: 0, maxSteps: Math.max(5, c.expected.length), maxTokens, temperature: o.temperature ?? 0, seed: o.seed ?? 0, format });
          push({ ...base(c), text: r.text, metrics: scorePlan(c, readPlan(normalizeTools(c.tools), r.text, format, syntax)), ms: now() - t0, tokens: r.stats.tokens });
        } catch (e) {
          if (!(e instanceof ToolDefinitionError)) throw e;
          push({ ...base(c), skipped: e.keyword ?? e.message, text: '', metrics: null, ms: 0, tokens: 0 });
        }
      }
    } finally {
      await planner.dispose();
    }
    return results;
  }
  const model = await loadModel(o.model, { ...(o.dtype ? { dtype: o.dtype } : {}), device: o.device ?? 'auto' });
  const context = new PlanContext(model);
  const syntax = context.syntax;
  try {
    for (const c of cases) {
      const t0 = now();
      const tools = normalizeTools(c.tools);
      const prompt = context.prompt(c.query, tools, format);
      const sampler = new Sampler({ temperature: o.temperature ?? 0, seed: o.seed ?? 0 });
      const it = decode(model.lm, prompt.tokens, { sampler, maxNewTokens: maxTokens, stopTokens: model.eosTokenIds });
      const ids: number[] = [];
      let r = await it.next();
      while (!r.done) {
        if (!model.eosTokenIds.includes(r.value.token)) ids.push(r.value.token);
        r = await it.next();
      }
      const text = ids.length ? model.tokenizer.decode(ids) : '';
      push({ ...base(c), text, metrics: scorePlan(c, readPlan(tools, text, format, syntax)), ms: now() - t0, tokens: r.value.tokens });
    }
  } finally {
    await model.dispose();
  }
  return results;
}
