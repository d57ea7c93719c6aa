/**
 * The browser benchmark page (driven by scripts/bench/browser.ts): on one backend, model load cold
 * and warm, prefill and decode tok/s unconstrained / constrained / with jump-forward on the plan
 * prompt, grammar cost over 5 / 50 / 500 tools, and peak JS heap. Medians of `runs` after a warm-up.
 */
import { compileGrammar } from '../../src/grammar/index.ts';
import { clearModelCache, decode, loadModel, Sampler, type DeviceRequest, type Model, type TokenConstraint } from '../../src/model/index.ts';
import { normalizeTools, PlanContext, planSchema, type PlanRequest, type Tool } from '../../src/planner/index.ts';
import { median } from '../../src/eval/stats.ts';
import { QUERY, TOOLS } from '../../scripts/lib/tools-fixture.ts';

const WASM_PATHS = '/node_modules/onnxruntime-web/dist/';

/** The fixed query suite; decode figures are medians over queries × runs. */
const QUERIES = [
  QUERY,
  'Email bo@example.com the cheapest flight from Porto to Paris on 2026-12-20.',
  'Search flights from Madrid to Rome on 2027-01-03, then send the list to team@example.com with the subject Trip.',
];

export interface BenchConfig {
  model: string;
  device: DeviceRequest;
  /** New tokens per decode measurement. */
  tokens: number;
  runs: number;
  /** Unmeasured runs first (0 in --quick on slow backends). */
  warmup: number;
  toolCounts: number[];
  /** Measure the time to the first closed plan step (default true; off for SwiftShader in --quick). */
  firstStep?: boolean;
  /** How many of the suite's queries to run (all by default). */
  queries?: number;
  /** Tool counts for XGrammar (its compile of the plan schema takes ~1 min at 500 tools here). */
  xgrammarToolCounts: number[];
  /** Weights for ours and Transformers.js alike (default q4: one dtype across GPUs in the table). */
  dtype?: 'q4' | 'q8';
}

export interface ModeResult {
  mode: string;
  prefill_tok_s: number;
  decode_tok_s: number;
  ttft_ms: number;
  tokens: number;
  forward_passes: number;
}

let peakHeap = 0;
function sampleHeap(): void {
  const m = (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory;
  if (m) peakHeap = Math.max(peakHeap, m.usedJSHeapSize);
}

async function adapter(): Promise<{ vendor: string; architecture: string; description: string; features: string[] } | null> {
  const a = 'gpu' in navigator ? await navigator.gpu.requestAdapter() : null;
  if (!a) return null;
  return { vendor: a.info.vendor, architecture: a.info.architecture, description: a.info.description, features: [...a.features].sort() };
}

/** `n` tools: the fixture's, then renamed copies. */
function toolSet(n: number): Tool[] {
  const base = normalizeTools(TOOLS);
  return Array.from({ length: n }, (_, i) => ({ ...base[i % base.length]!, name: i < base.length ? base[i]!.name : `${base[i % base.length]!.name}_${i}` }));
}

async function once(model: Model, prompt: number[], tokens: number, constraint: TokenConstraint | undefined, jumpForward: boolean) {
  const it = decode(model.lm, prompt, { sampler: new Sampler(), maxNewTokens: tokens, stopTokens: constraint ? model.eosTokenIds : [], constraint, jumpForward });
  let r = await it.next();
  while (!r.done) r = await it.next();
  sampleHeap();
  return r.value;
}

async function mode(name: string, model: Model, prompts: number[][], c: BenchConfig, make: () => TokenConstraint | undefined, jf: boolean): Promise<ModeResult> {
  const runs = [];
  for (let i = 0; i < c.warmup; i++) await once(model, prompts[0]!, c.tokens, make(), jf);
  for (const prompt of prompts) for (let i = 0; i < c.runs; i++) runs.push(await once(model, prompt, c.tokens, make(), jf));
  return {
    mode: name,
    prefill_tok_s: median(runs.map((s) => s.prefilledTokens / (s.ttftMs / 1000))),
    decode_tok_s: median(runs.map((s) => (s.tokens - 1) / (s.decodeMs / 1000))),
    ttft_ms: median(runs.map((s) => s.ttftMs)),
    tokens: median(runs.map((s) => s.tokens)),
    forward_passes: median(runs.map((s) => s.forwardPasses)),
  };
}

/**
 * Transformers.js generate() on the same files and backend, greedy, exactly `tokens` new tokens.
 * It brings its own onnxruntime-web, served from its nested copy so the page stays offline.
 */
async function tjsGenerate(c: BenchConfig, prompt: number[]): Promise<ModeResult | { mode: string; error: string }> {
  try {
    const { AutoModelForCausalLM, BaseStreamer, env, Tensor } = await import('@huggingface/transformers');
    const onnx = env.backends.onnx as { wasm?: { wasmPaths?: string } };
    if (onnx.wasm) onnx.wasm.wasmPaths = '/node_modules/@huggingface/transformers/node_modules/onnxruntime-web/dist/';
    env.allowLocalModels = false;
    let name = c.model;
    // A hub id goes to the Hub as TJS does by default; a URL is split into host + folder name.
    if (!/^[\w.-]+\/[\w.-]+$/.test(c.model)) {
      const url = new URL(c.model, location.href);
      name = url.pathname.replace(/\/$/, '').split('/').pop()!;
      env.remoteHost = url.origin + url.pathname.replace(/\/$/, '').slice(0, -name.length);
      env.remotePathTemplate = '{model}/';
    }
    const m = await AutoModelForCausalLM.from_pretrained(name, { dtype: c.dtype ?? 'q4', device: c.device === 'wasm' ? 'wasm' : 'webgpu' });
    const input_ids = new Tensor('int64', BigInt64Array.from(prompt.map(BigInt)), [1, prompt.length]);
    const attention_mask = new Tensor('int64', new BigInt64Array(prompt.length).fill(1n), [1, prompt.length]);
    // Timestamps from one generate() call: the streamer gets the prompt first, then each new token. Timing two
    // separate calls (1 token, then n) and subtracting went negative on noisy machines.
    class Clock extends BaseStreamer {
      stamps: number[] = [];
      override put(): void {
        this.stamps.push(performance.now());
      }
      override end(): void {}
    }
    // TJS types the option as a TextStreamer though generate() only calls put() and end().
    type GenerateArgs = Parameters<typeof m.generate>[0];
    const ttfts: number[] = [];
    const rates: number[] = [];
    for (let i = 0; i < c.warmup + c.runs; i++) {
      const clock = new Clock();
      const start = performance.now();
      await m.generate({ input_ids, attention_mask, max_new_tokens: c.tokens, min_new_tokens: c.tokens, do_sample: false, streamer: clock as unknown as GenerateArgs['streamer'] });
      const s = clock.stamps;
      // s[0] is the prompt, s[1] the first generated token, s[s.length - 1] the last.
      if (i >= c.warmup && s.length >= 3) {
        ttfts.push(s[1]! - start);
        rates.push((s.length - 2) / ((s[s.length - 1]! - s[1]!) / 1000));
      }
    }
    if (rates.length === 0) throw new Error('generate() streamed fewer than 2 tokens');
    sampleHeap();
    await m.dispose();
    const ttft = median(ttfts);
    return { mode: 'transformers.js generate', prefill_tok_s: prompt.length / (ttft / 1000), decode_tok_s: median(rates), ttft_ms: ttft, tokens: c.tokens, forward_passes: c.tokens };
  } catch (e) {
    return { mode: 'transformers.js generate', error: String((e as Error).message ?? e).split('\n')[0]! };
  }
}

/** XGrammar (WASM) on the same vocabulary and schemas: compile + first mask, like ours. */
async function xgrammarCost(model: Model, sets: Tool[][], runs: number): Promise<{ tools: number; first_mask_ms: number }[] | { error: string }> {
  try {
    const xg = await import('@mlc-ai/web-xgrammar');
    const json = model.tokenizer.json as unknown as { model: { vocab: Record<string, number> }; added_tokens: { id: number; content: string }[] };
    const encoded = Array.from({ length: model.vocabSize }, (_, i) => `<|placeholder_${i}|>`);
    for (const [t, id] of Object.entries(json.model.vocab)) encoded[id] = t;
    for (const a of json.added_tokens) encoded[a.id] = a.content;
    const info = await xg.TokenizerInfo.createTokenizerInfo(encoded, 'byte_level', false, model.vocabSize, [...model.eosTokenIds]);
    const compiler = await xg.GrammarCompiler.createGrammarCompiler(info);
    const out = [];
    for (const set of sets) {
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t = performance.now();
        const g = await compiler.compileJSONSchema(JSON.stringify({ ...planSchema(set, 5), $comment: `run ${i} ${Math.random()}` }), false, -1, [',', ':']);
        const m = await xg.GrammarMatcher.createGrammarMatcher(g);
        await m.getNextTokenBitmask();
        times.push(performance.now() - t);
        m.dispose();
      }
      out.push({ tools: set.length, first_mask_ms: median(times) });
    }
    return out;
  } catch (e) {
    return { error: String((e as Error).message ?? e).split('\n')[0]! };
  }
}

/** Time from the start of a constrained, jump-forward decode to the first plan step closing (the UI's first card). */
async function timeToFirstStep(model: Model, req: PlanRequest): Promise<number | null> {
  const scanner = req.scanner();
  const t0 = performance.now();
  const it = decode(model.lm, req.prompt.tokens, { sampler: new Sampler(), maxNewTokens: 512, stopTokens: model.eosTokenIds, constraint: req.matcher(), jumpForward: true });
  for (let r = await it.next(); !r.done; r = await it.next()) {
    if (scanner.push(model.tokenizer.decode([r.value.token])).length > 0) {
      await it.return(undefined as never);
      return performance.now() - t0;
    }
  }
  return null;
}

const bench = {
  async run(c: BenchConfig) {
    peakHeap = 0;
    await clearModelCache();
    let t0 = performance.now();
    (await loadModel(c.model, { device: c.device, dtype: c.dtype ?? 'q4', wasmPaths: WASM_PATHS })).dispose();
    const coldMs = performance.now() - t0;
    t0 = performance.now();
    const model = await loadModel(c.model, { device: c.device, dtype: c.dtype ?? 'q4', wasmPaths: WASM_PATHS });
    const warmMs = performance.now() - t0;
    sampleHeap();
    try {
      // The planner's own seam: prompt, grammar (compiled once, cached) and scanner per request.
      const context = new PlanContext(model);
      const vocab = context.vocab;
      // Generation stops at c.tokens; the grammar budget only has to fit a whole plan.
      const budget = 512;
      const requests = QUERIES.slice(0, c.queries ?? QUERIES.length).map((q) => context.prepare(q, TOOLS, { maxSteps: 5, maxTokens: budget }));
      const prompts = requests.map((r) => r.prompt.tokens);
      const prompt = prompts[0]!;
      const matcher = () => requests[0]!.matcher();
      const modes = [
        await mode('unconstrained', model, prompts, c, () => undefined, false),
        await mode('constrained', model, prompts, c, matcher, false),
        await mode('constrained + jump-forward', model, prompts, c, matcher, true),
      ];
      const firstStep: number[] = [];
      if (c.firstStep !== false) for (const r of requests) {
        const ms = await timeToFirstStep(model, r);
        if (ms !== null) firstStep.push(ms);
      }
      const tjs = await tjsGenerate(c, prompt);
      // Grammar cost as the tool set grows: compile + first mask (lazy per-tool compilation keeps it flat).
      const grammarCost = c.toolCounts.map((n) => {
        const set = toolSet(n);
        const mask = vocab.allocateMask();
        const times: number[] = [];
        for (let i = 0; i < c.runs; i++) {
          const t = performance.now();
          // A distinct $comment per run defeats the content-hash grammar cache: a cold compile each time.
          compileGrammar({ ...planSchema(set, 5), $comment: `run ${i} ${Math.random()}` }, vocab).matcher().fillMask(mask);
          times.push(performance.now() - t);
        }
        sampleHeap();
        return { tools: n, first_mask_ms: median(times) };
      });
      const xgrammar = await xgrammarCost(model, c.xgrammarToolCounts.map(toolSet), c.runs);
      sampleHeap();
      return {
        device: model.device,
        reason: model.reason,
        adapter: c.device === 'wasm' ? null : await adapter(),
        load_cold_ms: coldMs,
        load_warm_ms: warmMs,
        prompt_tokens: prompt.length,
        time_to_first_step_ms: firstStep.length ? median(firstStep) : null,
        queries: prompts.length,
        modes,
        transformers_js: tjs,
        grammar: grammarCost,
        xgrammar,
        peak_js_heap_mb: peakHeap ? peakHeap / 2 ** 20 : null,
        user_agent: navigator.userAgent,
      };
    } finally {
      await model.dispose();
    }
  },
};

declare global {
  interface Window {
    bench: typeof bench;
  }
}
window.bench = bench;
document.getElementById('status')!.textContent = 'ready';
