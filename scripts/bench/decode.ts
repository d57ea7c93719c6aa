/**
 * `npm run bench:decode`: our decode loop against a bare `session.run` loop and Transformers.js
 * `generate()`, on the same model, backend and prompt, measured side by side in one run.
 *
 * Rows (one JSON line each, then a table): bare loop, ours unconstrained, ours constrained (plan
 * schema, no jump-forward), ours constrained + jump-forward, TJS generate, and time to first token
 * with and without the tool-set prefix snapshot. Ratios against the bare loop / TJS at the end.
 *
 *   npm run bench:decode -- [--models tiny-qwen3,tiny-qwen3_5] [--backends node,wasm] [--tokens 128] [--runs 3] [--quick]
 *   npm run bench:decode -- --model-path /path/to/real-model-folder   # any Transformers.js-layout folder
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { compileGrammar } from '../../src/grammar/index.ts';
import { decode, loadModel, Sampler, SnapshotStore, type Model, type OrtModule } from '../../src/model/index.ts';
import { vocabularyOf } from '../../src/planner/model-vocabulary.ts';
import { planSchema } from '../../src/planner/plan-schema.ts';
import { DEFAULT_PRESET } from '../../src/planner/presets.ts';
import { buildPrompt } from '../../src/planner/prompt.ts';
import { normalizeTools } from '../../src/planner/tools.ts';
import { QUERY, TOOLS } from '../../test/planner/tools-fixture.ts';
import { bareLoop } from './bare-loop.ts';
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
  forward_passes: number | null;
  tokens: number | null;
  ttft_ms: number | null;
}

interface Timed {
  ttftMs: number;
  decodeMs: number;
  tokens: number;
  passes: number;
}

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
async function ours(model: Model, prompt: number[], mode: 'free' | 'constrained' | 'jump'): Promise<Timed> {
  const vocab = vocabularyOf(model);
  const tools = normalizeTools(TOOLS);
  const matcher = mode === 'free' ? undefined : compileGrammar(planSchema(tools, 5), vocab).matcher({ maxTokens: 2 * N });
  const it = decode(model.lm, prompt, {
    sampler: new Sampler({ temperature: 0 }),
    maxNewTokens: mode === 'free' ? N : 2 * N,
    stopTokens: mode === 'free' ? [] : model.eosTokenIds,
    constraint: matcher,
    jumpForward: mode === 'jump',
  });
  let r = await it.next();
  while (!r.done) r = await it.next();
  const s = r.value;
  return { ttftMs: s.ttftMs, decodeMs: s.decodeMs, tokens: s.tokens, passes: s.forwardPasses };
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
async function ttft(model: Model): Promise<{ none: Timed; cold: Timed; warm: Timed; promptTokens: number; prefixTokens: number }> {
  const tools = normalizeTools(TOOLS);
  const first = buildPrompt(model.tokenizer, tools, QUERY, DEFAULT_PRESET);
  const second = buildPrompt(model.tokenizer, tools, 'Look up the weather in Oslo and text it to my sister', DEFAULT_PRESET);
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
  store.clear();
  return { none, cold, warm, promptTokens: first.tokens.length, prefixTokens: first.prefixLength };
}

const rows: Row[] = [];
const ratios: Record<string, number | null>[] = [];
const models = args['model-path'] ? [resolve(args['model-path'])] : args.models!.split(',').map((m) => join(root, 'fixtures/models', m));

for (const backend of args.backends!.split(',')) {
  const ort = await ortFor(backend);
  for (const dir of models) {
    const name = dir.split('/').at(-1)!;
    console.error(`${backend} · ${name}`);
    const model = await loadModel(dir, { ort, dtype: args.dtype as 'q4' });
    const prompt = buildPrompt(model.tokenizer, normalizeTools(TOOLS), QUERY, DEFAULT_PRESET).tokens;
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
      jump: () => ours(model, prompt, 'jump'),
    };
    const timed: Record<keyof typeof modes, Timed[]> = { bare: [], free: [], constrained: [], jump: [] };
    for (let i = 0; i < WARMUP + RUNS; i++) {
      for (const [k, fn] of Object.entries(modes) as [keyof typeof modes, () => Promise<Timed>][]) {
        const t = await fn();
        if (i >= WARMUP) timed[k].push(t);
      }
    }
    const bareRow = add('bare session.run loop', timed.bare);
    const free = add('ours unconstrained', timed.free);
    const cons = add('ours constrained', timed.constrained);
    const jump = add('ours constrained + jump-forward', timed.jump);
    const t = await tjs(join(dir, '..'), name, backend, prompt);
    const tjsRow = t ? add('transformers.js generate', t) : undefined;
    const tt = await ttft(model);
    add('ttft, no snapshot store', [tt.none]);
    add('ttft, first call (stores prefix)', [tt.cold]);
    const warm = add('ttft, prefix snapshot hit', [tt.warm]);
    ratios.push({
      backend: null,
      model: null,
      'unconstrained / bare': ratio(free.decode_tok_s ?? NaN, bareRow.decode_tok_s ?? NaN),
      'constrained / bare (target ≥ 0.97)': ratio(cons.decode_tok_s ?? NaN, bareRow.decode_tok_s ?? NaN),
      'ours / TJS decode (target ≥ 1.2)': ratio(free.decode_tok_s ?? NaN, tjsRow?.decode_tok_s ?? NaN),
      'passes / tokens with jump-forward (target ≤ 0.5)': ratio(jump.forward_passes ?? NaN, jump.tokens ?? NaN),
      'ttft snapshot / none': ratio(warm.ttft_ms ?? NaN, rows.at(-3)!.ttft_ms ?? NaN),
    });
    Object.assign(ratios.at(-1)!, { backend, model: name });
    await model.dispose();
  }
}

console.log('\n| backend | model | mode | prefill tok/s | decode tok/s | passes | tokens | ttft ms |\n|---|---|---|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.backend} | ${r.model} | ${r.mode} | ${r.prefill_tok_s ?? '–'} | ${r.decode_tok_s ?? '–'} | ${r.forward_passes ?? '–'} | ${r.tokens ?? '–'} | ${r.ttft_ms ?? '–'} |`);
console.log('\nRatios (medians of the same run):');
for (const r of ratios) console.log(JSON.stringify(r));
mkdirSync(args.out!, { recursive: true });
const file = join(args.out!, `decode-${new Date().toISOString().slice(0, 19).replace(/:/g, '-')}.json`);
writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), tokens: N, runs: RUNS, rows, ratios }, null, 2));
console.error(`wrote ${file}`);
