/**
 * The browser benchmark page (driven by scripts/bench/browser.ts): on one backend, model load cold
 * and warm, prefill and decode tok/s unconstrained / constrained / with jump-forward on the plan
 * prompt, grammar cost over 5 / 50 / 500 tools, and peak JS heap. Medians of `runs` after a warm-up.
 */
import { compileGrammar } from '../../src/grammar/index.ts';
import { clearModelCache, decode, loadModel, Sampler, type DeviceRequest, type Model, type TokenConstraint } from '../../src/model/index.ts';
import { vocabularyOf } from '../../src/planner/model-vocabulary.ts';
import { planSchema } from '../../src/planner/plan-schema.ts';
import { DEFAULT_PRESET } from '../../src/planner/presets.ts';
import { buildPrompt } from '../../src/planner/prompt.ts';
import { normalizeTools, type Tool } from '../../src/planner/tools.ts';
import { median } from '../../scripts/bench/stats.ts';
import { QUERY, TOOLS } from '../../test/planner/tools-fixture.ts';

const WASM_PATHS = '/node_modules/onnxruntime-web/dist/';

export interface BenchConfig {
  model: string;
  device: DeviceRequest;
  /** New tokens per decode measurement. */
  tokens: number;
  runs: number;
  /** Unmeasured runs first (0 in --quick on slow backends). */
  warmup: number;
  toolCounts: number[];
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

async function mode(name: string, model: Model, prompt: number[], c: BenchConfig, make: () => TokenConstraint | undefined, jf: boolean): Promise<ModeResult> {
  const runs = [];
  for (let i = 0; i < c.warmup + c.runs; i++) {
    const s = await once(model, prompt, c.tokens, make(), jf);
    if (i >= c.warmup) runs.push(s);
  }
  return {
    mode: name,
    prefill_tok_s: median(runs.map((s) => s.prefilledTokens / (s.ttftMs / 1000))),
    decode_tok_s: median(runs.map((s) => (s.tokens - 1) / (s.decodeMs / 1000))),
    ttft_ms: median(runs.map((s) => s.ttftMs)),
    tokens: median(runs.map((s) => s.tokens)),
    forward_passes: median(runs.map((s) => s.forwardPasses)),
  };
}

const bench = {
  async run(c: BenchConfig) {
    peakHeap = 0;
    await clearModelCache();
    let t0 = performance.now();
    (await loadModel(c.model, { device: c.device, dtype: 'q4', wasmPaths: WASM_PATHS })).dispose();
    const coldMs = performance.now() - t0;
    t0 = performance.now();
    const model = await loadModel(c.model, { device: c.device, dtype: 'q4', wasmPaths: WASM_PATHS });
    const warmMs = performance.now() - t0;
    sampleHeap();
    try {
      const vocab = vocabularyOf(model);
      const tools = normalizeTools(TOOLS);
      const prompt = buildPrompt(model.tokenizer, tools, QUERY, DEFAULT_PRESET).tokens;
      const grammar = compileGrammar(planSchema(tools, 5), vocab);
      // Generation stops at c.tokens; the grammar budget only has to fit a whole plan.
      const budget = 512;
      const modes = [
        await mode('unconstrained', model, prompt, c, () => undefined, false),
        await mode('constrained', model, prompt, c, () => grammar.matcher({ maxTokens: budget }), false),
        await mode('constrained + jump-forward', model, prompt, c, () => grammar.matcher({ maxTokens: budget }), true),
      ];
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
      return {
        device: model.device,
        reason: model.reason,
        adapter: c.device === 'wasm' ? null : await adapter(),
        load_cold_ms: coldMs,
        load_warm_ms: warmMs,
        prompt_tokens: prompt.length,
        modes,
        grammar: grammarCost,
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
