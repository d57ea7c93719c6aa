/**
 * `npm run bench:decode`: our decode loop against a bare `session.run` loop and Transformers.js
 * `generate()`, on the same model, backend and prompt, measured side by side in one run.
 *
 * Rows (one JSON line each, then a table): bare loop, ours unconstrained, ours constrained (plan
 * schema, no jump-forward; greedy, so the model's choice is tried before any mask), ours constrained
 * with a mask filled every step (speculation off), ours constrained + jump-forward, TJS generate, and time to first token
 * with and without the tool-set prefix snapshot. Ratios against the bare loop / TJS at the end.
 * Then, per model: where our constrained steps' time goes (forward, read-back, mask, sampling,
 * accept); the time to a complete, schema-valid plan (Planner.plan; TJS generate with and without
 * its StructuredOutputProcessor on the same plan schema); the snapshot's bytes; and peak RSS
 * against the model files' size.
 *
 *   npm run bench:decode -- [--models tiny-qwen3,tiny-qwen3_5] [--backends node,wasm] [--tokens 128] [--runs 3] [--quick]
 *   npm run bench:decode -- --model-path /path/to/real-model-folder   # any Transformers.js-layout folder
 */
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { decode, loadModel, Sampler, SnapshotStore, type Model, type OrtModule, type StepProfile } from '../../src/model/index.ts';
import { normalizeTools, PlanContext, Planner, planSchema } from '../../src/planner/index.ts';
import { QUERY, TOOLS } from '../lib/tools-fixture.ts';
import { bareLoop } from './bare-loop.ts';
import { decodePlan, type PlanMode } from './plan-decode.ts';
import { median, ratio, repeat } from '../../src/eval/stats.ts';

const { values: args } = parseArgs({
  options: {
    models: { type: 'string', default: 'tiny-qwen3,tiny-qwen3_5' },
    'model-path': { type: 'string' },
    backends: { type: 'string', default: 'node,wasm' },
    dtype: { type: 'string', default: 'q4' },
    tokens: { type: 'string', default: '128' },
    runs: { type: 'string', default: '3' },
    quick: { type: 'boolean', default: false },
    out: { type: 'string', default: 'bench-results' },
  },
});
const RUNS = args.quick ? 1 : Number(args.runs);
const WARMUP = 1;
const N = args.quick ? 48 : Number(args.tokens);
const root = resolve(import.meta.dirname, '../..');

interface Row {
  backend: string;
  model: string;
  mode: string;
  prefill_tok_s: number | null;
  decode_tok_s: number | null;
  /** Characters of output a second after the first token: fair across runs whose tokens differ (jump-forward's canonical tokens are longer). */
  decode_chars_s: number | null;
  forward_passes: number | null;
  tokens: number | null;
  ttft_ms: number | null;
}

interface Timed {
  ttftMs: number;
  decodeMs: number;
  tokens: number;
  passes: number;
  profile?: StepProfile;
  /** Sampled tokens the constraint took without a mask (greedy speculation). */
  unmasked?: number;
  /** Characters of the text after the first token (when known). */
  chars?: number;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

function now(): number {
  return performance.now();
}

function row(backend: string, model: string, mode: string, promptTokens: number, runs: Timed[]): Row {
  const ttft = median(runs.map((r) => r.ttftMs));
  const dec = median(runs.map((r) => (r.tokens > 1 ? (r.tokens - 1) / (r.decodeMs / 1000) : NaN)));
  const round = (x: number) => (Number.isFinite(x) ? Math.round(x * 10) / 10 : null);
  return {
    backend,
    model,
    mode,
    prefill_tok_s: round(promptTokens / (ttft / 1000)),
    decode_tok_s: round(dec),
    decode_chars_s: runs.every((r) => r.chars !== undefined) ? round(median(runs.map((r) => r.chars! / (r.decodeMs / 1000)))) : null,
    forward_passes: round(median(runs.map((r) => r.passes))),
    tokens: round(median(runs.map((r) => r.tokens))),
    ttft_ms: round(ttft),
  };
}

async function ortFor(backend: string): Promise<OrtModule> {
  if (backend === 'node') return (await import('onnxruntime-node')) as unknown as OrtModule;
  const web = (await import('onnxruntime-web')) as unknown as OrtModule & { env: { wasm: { numThreads: number } } };
  return web;
}

/** Our loop over `prompt`; `constraint` off = exactly N tokens (no stop), as the bare loop. */
async function ours(model: Model, prompt: number[], mode: PlanMode): Promise<Timed> {
  const { ids, stats: s } = await decodePlan(model.lm, model, prompt, mode, new Sampler({ temperature: 0 }), mode === 'free' ? N : 2 * N, 2 * N);
  const chars = model.tokenizer.decode(ids).length - model.tokenizer.decode(ids.slice(0, 1)).length;
  return { ttftMs: s.ttftMs, decodeMs: s.decodeMs, tokens: s.tokens, passes: s.forwardPasses, profile: s.profile, unmasked: s.unmaskedTokens, chars };
}

/** Per-token ms and share of each part of our steps, summed over runs. */
function breakdown(runs: Timed[]): Record<string, number> {
  const sum: StepProfile = { forwardMs: 0, readbackMs: 0, maskMs: 0, sampleMs: 0, acceptMs: 0 };
  let tokens = 0;
  for (const r of runs) {
    for (const k of Object.keys(sum) as (keyof StepProfile)[]) sum[k] += r.profile?.[k] ?? 0;
    tokens += r.tokens;
  }
  const total = Object.values(sum).reduce((a, b) => a + b, 0);
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(sum)) {
    out[`${k.replace('Ms', '')}_ms_per_token`] = Math.round((v / tokens) * 1000) / 1000;
    out[`${k.replace('Ms', '')}_share`] = Math.round((v / total) * 1000) / 1000;
  }
  return out;
}

/**
 * Peak resident set size of the whole process while `fn` runs, sampled every 20 ms (onnxruntime-node
 * runs off the JS thread). Includes Node itself (~110 MB here) and our runtime, not Transformers.js.
 */
async function peakRss<T>(fn: () => Promise<T>): Promise<{ value: T; peakMb: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  try {
    const value = await fn();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { value, peakMb: Math.round(peak / 2 ** 20) };
  } finally {
    clearInterval(timer);
  }
}

function onnxBytes(dir: string, dtype: string): number {
  const suffix = dtype === 'fp32' ? '.onnx' : `_${dtype}.onnx`;
  let n = 0;
  for (const f of readdirSync(join(dir, 'onnx'))) if (f.endsWith(suffix) || f.endsWith(`${suffix}_data`)) n += statSync(join(dir, 'onnx', f)).size;
  return n;
}

const PLAN_TOKENS = 256;
/**
 * Transformers.js gets a smaller budget: its StructuredOutputProcessor lets a random model write
 * whitespace without end, and its steps grow slower as it does (tiny-qwen3_5-opt: 16 tokens in
 * 0.18 s, 64 in 75 s), so 256 tokens would take hours. Neither row completes a plan within it.
 */
const TJS_PLAN_TOKENS = 40;
const ajv = new Ajv2020({ strict: false, validateFormats: false });
const validPlan = ajv.compile(planSchema(normalizeTools(TOOLS), 5));
const isValidPlan = (text: string): boolean => {
  try {
    return validPlan(JSON.parse(text));
  } catch {
    return false;
  }
};

interface PlanTime {
  engine: string;
  ms: number;
  tokens: number;
  valid: boolean;
}

/** Ours: Planner.plan() end to end (prompt, snapshot, grammar, decode, re-validation), greedy. */
async function planTimes(dir: string, ort: OrtModule): Promise<PlanTime[]> {
  const planner = await Planner.create({ model: dir, dtype: args.dtype as 'q4', ort });
  const out: PlanTime[] = [];
  try {
    for (let i = 0; i < WARMUP + RUNS; i++) {
      const t0 = now();
      const r = await planner.plan(i % 2 ? 'Look up the weather in Oslo and text it to my sister' : QUERY, TOOLS, { maxTokens: PLAN_TOKENS, temperature: 0 });
      const ms = now() - t0;
      if (i >= WARMUP) out.push({ engine: 'ours Planner.plan', ms, tokens: r.stats.tokens, valid: validPlan(r.plan) });
    }
  } finally {
    await planner.dispose();
  }
  return out;
}

/** A schema without `format` (TJS's processor refuses formats it cannot enforce, such as `date`). */
function withoutFormats(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutFormats);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v).filter(([k, x]) => !(k === 'format' && typeof x === 'string')).map(([k, x]) => [k, withoutFormats(x)]));
}

/**
 * TJS generate() on the same prompt, plain and with its StructuredOutputProcessor on the plan
 * schema (less its `format`s, which it refuses: a looser constraint than ours).
 */
async function tjsPlanTimes(modelDir: string, name: string, backend: string, prompt: number[]): Promise<PlanTime[]> {
  const { AutoModelForCausalLM, AutoTokenizer, env, Tensor } = await import('@huggingface/transformers');
  const { StructuredOutputProcessor } = await import('@huggingface/transformers-structured-output');
  env.localModelPath = `${modelDir}/`;
  env.allowRemoteModels = false;
  const out: PlanTime[] = [];
  let m;
  try {
    m = await AutoModelForCausalLM.from_pretrained(name, { dtype: args.dtype as 'q4', device: backend === 'node' ? 'cpu' : 'wasm' });
  } catch {
    return out;
  }
  const tokenizer = await AutoTokenizer.from_pretrained(name);
  const input_ids = new Tensor('int64', BigInt64Array.from(prompt.map(BigInt)), [1, prompt.length]);
  const attention_mask = new Tensor('int64', new BigInt64Array(prompt.length).fill(1n), [1, prompt.length]);
  for (const constrained of [false, true]) {
    for (let i = 0; i < (constrained ? 1 : WARMUP + RUNS); i++) {
      const t0 = now();
      const logits_processor = constrained ? new StructuredOutputProcessor(tokenizer, { type: 'json_schema', json_schema: withoutFormats(planSchema(normalizeTools(TOOLS), 5)) } as never) : undefined;
      const o = (await m.generate({ input_ids, attention_mask, max_new_tokens: TJS_PLAN_TOKENS, do_sample: false, ...(logits_processor ? { logits_processor: logits_processor as never } : {}) })) as { data: BigInt64Array };
      const ms = now() - t0;
      const ids = Array.from(o.data.slice(prompt.length), Number);
      const text = tokenizer.decode(ids, { skip_special_tokens: true });
      if (constrained || i >= WARMUP) out.push({ engine: constrained ? 'transformers.js + StructuredOutputProcessor' : 'transformers.js generate', ms, tokens: ids.length, valid: isValidPlan(text) });
    }
  }
  await m.dispose();
  return out;
}


/** The bare loop (bare-loop.ts): session.run and argmax, nothing else. */
async function bare(model: Model, ort: OrtModule, prompt: number[]): Promise<Timed> {
  const { decoder, embed } = model.lm.sessions;
  const t = await bareLoop(ort, decoder, embed, prompt, N);
  return { ...t, tokens: N, passes: N };
}

/** Transformers.js generate() on the same files and backend (greedy, exactly N new tokens). */
async function tjs(modelDir: string, name: string, backend: string, prompt: number[]): Promise<Timed[] | undefined> {
  const { AutoModelForCausalLM, env, Tensor } = await import('@huggingface/transformers');
  env.localModelPath = `${modelDir}/`;
  env.allowRemoteModels = false;
  let m;
  try {
    m = await AutoModelForCausalLM.from_pretrained(name, { dtype: args.dtype as 'q4', device: backend === 'node' ? 'cpu' : 'wasm' });
  } catch (e) {
    console.error(`  TJS could not load ${name} on ${backend}: ${(e as Error).message.split('\n')[0]}`);
    return undefined;
  }
  const input_ids = new Tensor('int64', BigInt64Array.from(prompt.map(BigInt)), [1, prompt.length]);
  const attention_mask = new Tensor('int64', new BigInt64Array(prompt.length).fill(1n), [1, prompt.length]);
  const gen = (n: number) => m.generate({ input_ids, attention_mask, max_new_tokens: n, min_new_tokens: n, do_sample: false });
  const runs = await repeat(RUNS, WARMUP, async () => {
    const t0 = now();
    await gen(1);
    const ttft = now() - t0;
    const t1 = now();
    await gen(N);
    const total = now() - t1;
    return { ttftMs: ttft, decodeMs: total - ttft, tokens: N, passes: N };
  });
  await m.dispose();
  return runs;
}

/** Time to first token of a plan over the same tools: no snapshot store, first call (cold), later call (snapshot hit). */
async function ttft(model: Model): Promise<{ none: Timed; cold: Timed; warm: Timed; promptTokens: number; prefixTokens: number; snapshotBytes: number }> {
  const tools = normalizeTools(TOOLS);
  const context = new PlanContext(model);
  const first = context.prompt(QUERY, tools);
  const second = context.prompt('Look up the weather in Oslo and text it to my sister', tools);
  const one = async (tokens: number[], store: SnapshotStore | undefined, prefixLength: number | undefined): Promise<Timed> => {
    const it = decode(model.lm, tokens, { sampler: new Sampler(), maxNewTokens: 1, stopTokens: [], snapshots: store, prefixLength });
    let r = await it.next();
    while (!r.done) r = await it.next();
    return { ttftMs: r.value.ttftMs, decodeMs: 0, tokens: 1, passes: r.value.forwardPasses };
  };
  const none = await one(first.tokens, undefined, undefined);
  const store = new SnapshotStore();
  const cold = await one(first.tokens, store, first.prefixLength);
  const warm = await one(second.tokens, store, second.prefixLength);
  const snapshotBytes = store.bytes;
  store.clear();
  return { none, cold, warm, promptTokens: first.tokens.length, prefixTokens: first.prefixLength, snapshotBytes };
}

const rows: Row[] = [];
const ratios: Record<string, number | null>[] = [];
const extras: Record<string, unknown>[] = [];
const models = args['model-path'] ? [resolve(args['model-path'])] : args.models!.split(',').map((m) => join(root, 'fixtures/models', m));

for (const backend of args.backends!.split(',')) {
  const ort = await ortFor(backend);
  for (const dir of models) {
    const name = dir.split('/').at(-1)!;
    console.error(`${backend} · ${name}`);
    const measured = await peakRss(async () => {
    const model = await loadModel(dir, { ort, dtype: args.dtype as 'q4' });
    const prompt = new PlanContext(model).prompt(QUERY, normalizeTools(TOOLS)).tokens;
    const add = (mode: string, runs: Timed[]) => {
      const r = row(backend, name, mode, prompt.length, runs);
      rows.push(r);
      console.log(JSON.stringify(r));
      return r;
    };
    // Modes take turns within each repetition, so drift on a noisy machine hits them alike.
    const modes = {
      bare: () => bare(model, ort, prompt),
      free: () => ours(model, prompt, 'free'),
      constrained: () => ours(model, prompt, 'constrained'),
      masked: () => ours(model, prompt, 'masked'),
      jump: () => ours(model, prompt, 'jump'),
    };
    const timed: Record<keyof typeof modes, Timed[]> = { bare: [], free: [], constrained: [], masked: [], jump: [] };
    for (let i = 0; i < WARMUP + RUNS; i++) {
      for (const [k, fn] of Object.entries(modes) as [keyof typeof modes, () => Promise<Timed>][]) {
        const t = await fn();
        if (i >= WARMUP) timed[k].push(t);
      }
    }
    const bareRow = add('bare session.run loop', timed.bare);
    const free = add('ours unconstrained', timed.free);
    const cons = add('ours constrained', timed.constrained);
    const masked = add('ours constrained, a mask every step', timed.masked);
    const jump = add('ours constrained + jump-forward', timed.jump);
    const tt = await ttft(model);
    const steps = { constrained: breakdown(timed.constrained), masked: breakdown(timed.masked), jump: breakdown(timed.jump) };
    add('ttft, no snapshot store', [tt.none]);
    add('ttft, first call (stores prefix)', [tt.cold]);
    const warm = add('ttft, prefix snapshot hit', [tt.warm]);
    ratios.push({
      backend: null,
      model: null,
      'unconstrained / bare': ratio(free.decode_tok_s ?? NaN, bareRow.decode_tok_s ?? NaN),
      'constrained / bare (target ≥ 0.99 where the pass runs off the JS thread)': ratio(cons.decode_tok_s ?? NaN, bareRow.decode_tok_s ?? NaN),
      'constrained with a mask every step / bare': ratio(masked.decode_tok_s ?? NaN, bareRow.decode_tok_s ?? NaN),
      // Greedy speculation: the share of sampled tokens the constraint took without a mask.
      'unmasked / sampled tokens, constrained': ratio(sum(timed.constrained.map((t) => t.unmasked ?? 0)), sum(timed.constrained.map((t) => t.tokens))),
      'passes / tokens with jump-forward (target ≤ 0.5)': ratio(jump.forward_passes ?? NaN, jump.tokens ?? NaN),
      // Jump-forward writes the same JSON in fewer, longer (canonical) tokens: compare characters a second.
      'jump-forward / constrained, chars/s (target ≥ 1)': ratio(jump.decode_chars_s ?? NaN, cons.decode_chars_s ?? NaN),
      'ttft snapshot / none': ratio(warm.ttft_ms ?? NaN, rows.at(-3)!.ttft_ms ?? NaN),
    });
    Object.assign(ratios.at(-1)!, { backend, model: name });
    await model.dispose();
    return { steps, snapshotBytes: tt.snapshotBytes, prefixTokens: tt.prefixTokens, promptTokens: tt.promptTokens, prompt, freeTokS: free.decode_tok_s, add };
    });
    const { steps, snapshotBytes, prefixTokens, promptTokens, prompt, freeTokS, add } = measured.value;
    // Transformers.js loads its own copy of the model: after ours is freed, outside the memory figure.
    const t = await tjs(join(dir, '..'), name, backend, prompt);
    const tjsRow = t ? add('transformers.js generate', t) : undefined;
    ratios.at(-1)!['ours / TJS decode (target ≥ 1.2)'] = ratio(freeTokS ?? NaN, tjsRow?.decode_tok_s ?? NaN);
    const ourPlans = await peakRss(() => planTimes(dir, ort));
    const plans = [...ourPlans.value, ...(await tjsPlanTimes(join(dir, '..'), name, backend, prompt))];
    const peakMb = Math.max(measured.peakMb, ourPlans.peakMb);
    const byEngine = new Map<string, PlanTime[]>();
    for (const p of plans) byEngine.set(p.engine, [...(byEngine.get(p.engine) ?? []), p]);
    const planRows = [...byEngine].map(([engine, ps]) => ({
      engine,
      median_ms: Math.round(median(ps.map((p) => p.ms))),
      median_tokens: median(ps.map((p) => p.tokens)),
      valid: `${ps.filter((p) => p.valid).length}/${ps.length}`,
    }));
    const files = onnxBytes(dir, args.dtype!);
    const extra = {
      backend,
      model: name,
      step_breakdown: steps,
      time_to_valid_plan: planRows,
      prompt_tokens: promptTokens,
      prefix_tokens: prefixTokens,
      snapshot_mb: Math.round((snapshotBytes / 2 ** 20) * 10) / 10,
      peak_rss_mb: peakMb,
      model_files_mb: Math.round(files / 2 ** 20),
      'peak rss / files (target ≤ 1.3)': Math.round((peakMb / (files / 2 ** 20)) * 100) / 100,
    };
    extras.push(extra);
    console.log(JSON.stringify(extra));
  }
}

console.log('\n| backend | model | mode | prefill tok/s | decode tok/s | decode chars/s | passes | tokens | ttft ms |\n|---|---|---|---|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.backend} | ${r.model} | ${r.mode} | ${r.prefill_tok_s ?? '–'} | ${r.decode_tok_s ?? '–'} | ${r.decode_chars_s ?? '–'} | ${r.forward_passes ?? '–'} | ${r.tokens ?? '–'} | ${r.ttft_ms ?? '–'} |`);
console.log('\nRatios (medians of the same run):');
for (const r of ratios) console.log(JSON.stringify(r));
console.log('\nSteps, plans and memory:');
for (const e of extras) console.log(JSON.stringify(e));
mkdirSync(args.out!, { recursive: true });
const file = join(args.out!, `decode-${new Date().toISOString().slice(0, 19).replace(/:/g, '-')}.json`);
writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), tokens: N, runs: RUNS, rows, ratios, extras }, null, 2));
console.error(`wrote ${file}`);
