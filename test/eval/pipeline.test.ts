/**
 * The evaluation pipeline end to end on the tiny random model over a small BFCL slice: numbers are
 * meaningless, but constrained plans must score 100% on the structural metrics whatever the model,
 * and the same model unconstrained must not.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCases, type EvalCase } from '../../src/eval/cases.ts';
import { summarize } from '../../src/eval/report.ts';
import { runEval } from '../../src/eval/run.ts';
import { modelDir } from '../../scripts/lib/fixtures.ts';

const all = parseCases(readFileSync(new URL('../../eval/data/bfcl.jsonl', import.meta.url), 'utf8'));
// Two cases from each category.
const slice: EvalCase[] = [...new Set(all.map((c) => c.category))].flatMap((cat) => all.filter((c) => c.category === cat).slice(0, 2));

describe('eval pipeline (tiny-qwen3_5, onnxruntime-node)', () => {
  it('constrained: 100% valid JSON, real ids, param types and backward deps; unconstrained: not valid', async () => {
    const model = modelDir('tiny-qwen3_5');
    const constrained = await runEval(slice, { model, device: 'cpu', mode: 'constrained', maxTokens: 200 });
    const unconstrained = await runEval(slice, { model, device: 'cpu', mode: 'unconstrained', maxTokens: 200 });
    const rows = summarize([...constrained, ...unconstrained]);
    const c = rows.find((r) => r.mode === 'constrained' && r.group === 'all')!;
    const u = rows.find((r) => r.mode === 'unconstrained' && r.group === 'all')!;
    expect(c.cases).toBeGreaterThanOrEqual(slice.length - 2);
    for (const k of ['validJson', 'realIds', 'paramsType', 'depsBackward'] as const) expect(c.metrics[k]).toBe(100);
    expect(u.cases).toBe(slice.length);
    expect(u.metrics.validJson).toBeLessThan(50);
    expect(rows.map((r) => r.group)).toEqual(expect.arrayContaining(['simple_python', 'irrelevance', '1 call', '2-3 calls']));
  }, 300_000);

  it('tool-calls format: native calls read back as plans, 100% on the same structural metrics when constrained', async () => {
    const model = modelDir('tiny-qwen3_5');
    const results = await runEval(slice, { model, device: 'cpu', mode: 'constrained', format: 'tool-calls', maxTokens: 200, temperature: 1, seed: 3 });
    const c = summarize(results).find((r) => r.group === 'all')!;
    expect(c.cases).toBeGreaterThanOrEqual(slice.length - 2);
    for (const k of ['validJson', 'realIds', 'paramsType', 'depsBackward'] as const) expect(c.metrics[k]).toBe(100);
    // The tiny model's template asks for XML calls, and that is what was scored.
    const written = results.filter((r) => r.text.length > 0);
    expect(written.length).toBeGreaterThan(0);
    for (const r of written) expect(r.text.startsWith('<tool_call>\n<function=')).toBe(true);
  }, 300_000);
});
