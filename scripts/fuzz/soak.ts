/**
 * Soak: thousands of plans and aborts at random moments through one Planner in one process, with
 * memory sampled after GC, against stated bounds. Exit 1 on an invalid plan, an untyped error, a
 * planner that stops answering, or memory past a bound.
 *
 *   npm run fuzz:soak -- [--plans 10000] [--aborts 1000] [--toolsets 100] [--budget-mib 32]
 *                        [--runtime real|fake] [--model tiny-qwen3_5] [--max-tokens 48] [--seed 1]
 *
 * `real` runs onnxruntime-node on the tiny fixture model (native memory shows in RSS); `fake` the
 * fuzzer's stand-in runtime with random logits (more plans reach `done`, faster).
 */
import { join, resolve } from 'node:path';
import { Planner, type PlanOptions, type ToolInput } from '../../src/planner/index.ts';
import { ToolplanError } from '../../src/shared/toolplan-error.ts';
import { planFaults } from './check.ts';
import { call, type Abort } from './harness.ts';
import { fakeOrt, type LogitsControl } from './fake-ort.ts';
import { Rng } from './rng.ts';
import { cleanToolsOf, QUERIES } from './tools.ts';

/** The longest query the soak sends (~1,500 tokens). */
const LONG_QUERY = 'word '.repeat(1500);

interface Args {
  plans: number;
  aborts: number;
  toolsets: number;
  budgetMiB: number;
  runtime: 'real' | 'fake';
  model: string;
  maxTokens: number;
  seed: number;
}

function args(): Args {
  const a = process.argv.slice(2);
  const get = (flag: string): string | undefined => {
    const i = a.indexOf(flag);
    return i >= 0 ? a[i + 1] : undefined;
  };
  const num = (flag: string, d: number): number => {
    const v = get(flag) === undefined ? d : Number(get(flag));
    if (!Number.isInteger(v) || v < 0) throw new Error(`${flag} needs a non-negative integer`);
    return v;
  };
  const runtime = get('--runtime') ?? 'real';
  if (runtime !== 'real' && runtime !== 'fake') throw new Error('--runtime is real or fake');
  return {
    plans: num('--plans', 10_000),
    aborts: num('--aborts', 1_000),
    toolsets: Math.max(1, num('--toolsets', 100)),
    budgetMiB: Math.max(1, num('--budget-mib', 32)),
    runtime,
    model: get('--model') ?? 'tiny-qwen3_5',
    maxTokens: Math.max(1, num('--max-tokens', 48)),
    seed: num('--seed', 1),
  };
}

interface Sample {
  call: number;
  rss: number;
  heap: number;
  buffers: number;
  external: number;
}

const MiB = 2 ** 20;
const gc = (globalThis as { gc?: () => void }).gc;

function sample(call: number): Sample {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return { call, rss: m.rss / MiB, heap: m.heapUsed / MiB, buffers: m.arrayBuffers / MiB, external: m.external / MiB };
}

/** The soak's aborts: always at a random moment (the fuzzer's also include none and pre-aborted). */
function abortOf(r: Rng): Abort {
  const k = r.next();
  if (k < 0.5) return { kind: 'events', n: r.int(0, 40) };
  if (k < 0.85) return { kind: 'delay', ms: r.int(0, 60) };
  return { kind: 'timeout', ms: r.int(1, 60) };
}

type Outcome = 'plan' | 'aborted' | 'typed' | 'invalid' | 'untyped';

async function once(p: Planner, query: string, tools: readonly ToolInput[], o: PlanOptions, abort: Abort | undefined): Promise<{ outcome: Outcome; detail: string; message?: string }> {
  try {
    const { result } = await call(p, query, tools, { ...o }, abort ?? { kind: 'none' }, false);
    const faults = planFaults(result.plan, tools, o.minSteps ?? 1, o.maxSteps ?? 5);
    return faults.length ? { outcome: 'invalid', detail: faults.join('; ') } : { outcome: 'plan', detail: '' };
  } catch (e) {
    if (e instanceof DOMException && (e.name === 'AbortError' || e.name === 'TimeoutError')) return { outcome: 'aborted', detail: '' };
    if (e instanceof ToolplanError) return { outcome: 'typed', detail: e.name, message: e.message };
    return { outcome: 'untyped', detail: e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}` : String(e) };
  }
}

async function main(): Promise<void> {
  const a = args();
  if (!gc) process.stderr.write('soak: no global gc (run with node --expose-gc); samples include garbage\n');
  const dir = join(resolve(import.meta.dirname, '../../fixtures/models'), a.model);
  const control: LogitsControl = { policy: 'random', rng: new Rng(a.seed), passes: 0 };
  const budget = a.budgetMiB * MiB;
  const planner = await Planner.create({ model: dir, dtype: 'q4', snapshotBudgetBytes: budget, ...(a.runtime === 'fake' ? { ort: fakeOrt(dir, control) } : {}) });
  const master = new Rng(a.seed);
  // The rotation: distinct valid tool sets, so prefix snapshots and compiled grammars churn.
  const sets: ToolInput[][] = [];
  for (let i = 0; sets.length < a.toolsets && i < a.toolsets * 20; i++) {
    const tools = cleanToolsOf(new Rng(master.seed())) as unknown as ToolInput[];
    if (await planner.checkTools(tools).then(() => true, () => false)) sets.push(tools);
  }
  // The longest prompt first: onnxruntime's arena keeps its high-water mark, so RSS after warm-up
  // measures growth, not the first long prefill.
  await once(planner, LONG_QUERY, sets[0]!, { maxTokens: 8 }, undefined);
  const total = a.plans + a.aborts;
  const aborted = new Set<number>();
  while (aborted.size < Math.min(a.aborts, total)) aborted.add(master.int(0, total - 1));
  const counts: Record<Outcome, number> = { plan: 0, aborted: 0, typed: 0, invalid: 0, untyped: 0 };
  const typedByName: Record<string, number> = {};
  const firstMessage: Record<string, string> = {};
  const findings: string[] = [];
  const every = Math.max(1, Math.floor(total / 40));
  const samples: Sample[] = [sample(0)];
  const t0 = Date.now();
  for (let i = 0; i < total; i++) {
    const r = new Rng(master.seed());
    control.policy = r.pick(['random', 'stop', 'flat'] as const);
    control.rng = new Rng(r.seed());
    const o: PlanOptions = { maxTokens: a.maxTokens, temperature: r.pick([0, 0.7, 1]), seed: r.int(0, 2 ** 31), format: r.pick(['steps', 'tool-calls'] as const), ...(r.chance(0.3) ? { maxSteps: r.int(1, 4), minSteps: 1 } : {}) };
    const tools = sets[i % sets.length]!;
    const got = await once(planner, r.chance(0.01) ? LONG_QUERY : r.pick(QUERIES), tools, o, aborted.has(i) ? abortOf(r) : undefined);
    counts[got.outcome]++;
    if (got.outcome === 'typed') {
      typedByName[got.detail] = (typedByName[got.detail] ?? 0) + 1;
      firstMessage[got.detail] ??= got.message ?? '';
    }
    if ((got.outcome === 'invalid' || got.outcome === 'untyped') && findings.length < 10) findings.push(`call ${i}: ${got.outcome}: ${got.detail.slice(0, 1500)}`);
    if ((i + 1) % every === 0 || i === total - 1) {
      samples.push(sample(i + 1));
      const s = samples.at(-1)!;
      process.stderr.write(`soak: ${i + 1}/${total} calls, ${((Date.now() - t0) / 1000).toFixed(0)} s, rss ${s.rss.toFixed(0)} heap ${s.heap.toFixed(0)} buffers ${s.buffers.toFixed(0)} MiB\n`);
    }
  }
  // The planner still answers after everything above.
  const after = await once(planner, 'one more', sets[0]!, { maxTokens: a.maxTokens }, undefined);
  await planner.dispose();

  // Bounds, measured from the end of warm-up (a tenth of the calls: every tool set compiled, the
  // snapshot budget filled). What may grow after it: nothing but noise. The snapshot store is the
  // one cache of tensors and it is capped at the budget, so array buffers stay under it plus slack.
  const warm = samples.find((s) => s.call >= total / 10) ?? samples[0]!;
  const late = samples.filter((s) => s.call >= warm.call);
  const peak = (k: keyof Sample): number => Math.max(...late.map((s) => s[k]));
  const bounds = [
    { what: 'heapUsed growth after warm-up', value: peak('heap') - warm.heap, limit: 48 },
    { what: 'arrayBuffers (snapshot budget + 48)', value: peak('buffers'), limit: a.budgetMiB + 48 },
    { what: 'RSS growth after warm-up', value: peak('rss') - warm.rss, limit: a.budgetMiB + 160 },
  ];
  const ms = Date.now() - t0;
  const lines = [
    `soak: ${a.runtime} runtime, ${a.model}, ${sets.length} tool sets, snapshot budget ${a.budgetMiB} MiB, maxTokens ${a.maxTokens}, seed ${a.seed}`,
    `calls ${total} in ${(ms / 1000).toFixed(1)} s (${a.plans} plans, ${aborted.size} aborted at random moments)`,
    `outcomes: ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ')}; typed: ${JSON.stringify(typedByName)}`,
    ...Object.entries(firstMessage).map(([k, m]) => `  first ${k}: ${m.slice(0, 300)}`),
    `after the soak the planner answered: ${after.outcome}`,
    `memory (MiB, after GC) call: rss/heap/arrayBuffers/external: ${samples.map((s) => `${s.call}: ${s.rss.toFixed(0)}/${s.heap.toFixed(0)}/${s.buffers.toFixed(0)}/${s.external.toFixed(0)}`).join(', ')}`,
    `warm-up ends at call ${warm.call}: rss ${warm.rss.toFixed(0)}, heap ${warm.heap.toFixed(0)}, buffers ${warm.buffers.toFixed(0)} MiB`,
    ...bounds.map((b) => `  ${b.value <= b.limit ? 'ok  ' : 'OVER'} ${b.what}: ${b.value.toFixed(1)} MiB (bound ${b.limit} MiB)`),
    ...findings,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const bad = counts.invalid + counts.untyped + (after.outcome === 'untyped' || after.outcome === 'invalid' ? 1 : 0) + bounds.filter((b) => b.value > b.limit).length;
  process.exit(bad > 0 ? 1 : 0);
}

await main();
