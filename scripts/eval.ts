/**
 * `npm run eval`: the model card's metrics on public data (BFCL v4), for any model the planner loads.
 *
 *   npm run eval -- --model tiny-qwen3_5 --limit 50                 # both modes, side by side
 *   npm run eval -- --model onnx-community/Qwen3.5-0.8B-ONNX-OPT --constrained --limit 200
 *   flags: --model <hub id | URL | folder | tiny model name>  --dtype q4  --limit N  --categories a,b
 *          --constrained | --unconstrained (default: both)  --format steps|tool-calls  --max-tokens 512  --out bench-results
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseCases, type EvalCase } from '../src/eval/cases.ts';
import { markdown, summarize } from '../src/eval/report.ts';
import { runEval, type CaseResult, type EvalMode } from '../src/eval/run.ts';
import type { ModelDtype } from '../src/model/index.ts';
import type { PlanFormat } from '../src/planner/index.ts';

const { values: a } = parseArgs({
  options: {
    model: { type: 'string', default: 'tiny-qwen3_5' },
    dtype: { type: 'string' },
    limit: { type: 'string' },
    categories: { type: 'string' },
    constrained: { type: 'boolean', default: false },
    unconstrained: { type: 'boolean', default: false },
    'max-tokens': { type: 'string', default: '512' },
    format: { type: 'string', default: 'steps' },
    out: { type: 'string', default: 'bench-results' },
  },
});
const root = resolve(import.meta.dirname, '..');
const tiny = join(root, 'fixtures/models', a.model!);
const model = existsSync(tiny) ? tiny : a.model!;

/** Round-robin over categories, so a small limit still covers each. */
export function pick(cases: EvalCase[], limit: number): EvalCase[] {
  const by = new Map<string, EvalCase[]>();
  for (const c of cases) by.set(c.category, [...(by.get(c.category) ?? []), c]);
  const out: EvalCase[] = [];
  for (let i = 0; out.length < limit && out.length < cases.length; i++) for (const list of by.values()) if (i < list.length && out.length < limit) out.push(list[i]!);
  return out;
}

let cases = parseCases(readFileSync(join(root, 'eval/data/bfcl.jsonl'), 'utf8'));
if (a.categories) cases = cases.filter((c) => a.categories!.split(',').includes(c.category));
if (a.limit) cases = pick(cases, Number(a.limit));
if (a.format !== 'steps' && a.format !== 'tool-calls') throw new Error('--format must be steps or tool-calls');
const format: PlanFormat = a.format;
const modes: EvalMode[] = a.constrained === a.unconstrained ? ['unconstrained', 'constrained'] : a.constrained ? ['constrained'] : ['unconstrained'];

const results: CaseResult[] = [];
for (const mode of modes) {
  const t0 = performance.now();
  results.push(
    ...(await runEval(cases, {
      model,
      mode,
      format,
      device: 'cpu',
      maxTokens: Number(a['max-tokens']),
      ...(a.dtype ? { dtype: a.dtype as ModelDtype } : {}),
      onCase: (_, done, total) => process.stderr.write(`\r${mode}: ${done}/${total}`),
    })),
  );
  process.stderr.write(` (${((performance.now() - t0) / 1000).toFixed(0)} s)\n`);
}
const rows = summarize(results);
const table = markdown(rows);
console.log(`\nModel: ${a.model} · ${cases.length} BFCL v4 cases · format: ${format} · modes: ${modes.join(', ')}\n\n${table}`);
mkdirSync(a.out!, { recursive: true });
const stamp = new Date().toISOString().slice(0, 19).replace(/:/g, '-');
writeFileSync(join(a.out!, `eval-${stamp}.json`), JSON.stringify({ model: a.model, format, cases: cases.length, rows, results }, null, 2));
writeFileSync(join(a.out!, `eval-${stamp}.md`), `# toolplan eval\n\nModel: ${a.model}, ${cases.length} cases, format ${format}\n\n${table}\n`);
console.error(`wrote ${a.out}/eval-${stamp}.{json,md}`);
