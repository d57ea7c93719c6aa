/**
 * Test page: drives the real worker planner (createPlanner) and, on the main thread, the model
 * runtime itself (downloads, Cache Storage, cache hand-over oracle) for Playwright.
 */
import { clearModelCache, createPlanner, loadModel, type PlanEvent, type PlanOptions, type PlanResult, type ProgressInfo, type ToolInput, type WorkerPlanner } from '../../src/index.ts';
import type { DeviceRequest } from '../../src/model/index.ts';

const WASM_PATHS = '/node_modules/onnxruntime-web/dist/';

export interface ErrorInfo {
  name: string;
  message: string;
  isToolplanClass: boolean;
  fields: Record<string, unknown>;
}
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

async function outcome<T>(p: Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await p };
  } catch (e) {
    const err = e as Error;
    // A revived class keeps its prototype chain: not a plain Error constructor.
    const isToolplanClass = err.constructor !== Error && err.constructor !== DOMException && err.constructor.name === err.name;
    return { ok: false, error: { name: err.name, message: err.message, isToolplanClass, fields: { ...err } } };
  }
}

let planner: WorkerPlanner | undefined;
const progress: ProgressInfo[] = [];

const tp = {
  async create(model: string, device: DeviceRequest, dtype: 'q4' | 'fp32') {
    progress.length = 0;
    planner = await createPlanner({ model, device, dtype, wasmPaths: WASM_PATHS, onProgress: (p) => progress.push(p) });
    return { info: planner.info, progress: progress.map((p) => p.status) };
  },
  plan: (query: string, tools: ToolInput[], opts: PlanOptions = {}) => outcome(planner!.plan(query, tools, opts)),
  async stream(query: string, tools: ToolInput[], opts: PlanOptions = {}): Promise<Outcome<PlanEvent[]>> {
    return outcome(
      (async () => {
        const events: PlanEvent[] = [];
        for await (const e of planner!.stream(query, tools, opts)) events.push(e);
        return events;
      })(),
    );
  },
  /** Aborts after `n` streamed tokens; returns how the call ended and the tokens seen. */
  async abortAfter(query: string, tools: ToolInput[], n: number, opts: PlanOptions = {}) {
    const ac = new AbortController();
    let tokens = 0;
    const r = await outcome(
      (async () => {
        for await (const e of planner!.stream(query, tools, { ...opts, signal: ac.signal })) if (e.type === 'token' && ++tokens === n) ac.abort();
      })(),
    );
    const t0 = performance.now();
    const after = await outcome(planner!.plan(query, tools, { maxTokens: 120 }));
    return { r, tokens, after, afterMs: performance.now() - t0 };
  },
  async concurrent(query: string, tools: ToolInput[], n: number) {
    const order: number[] = [];
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        outcome(planner!.plan(`${query} #${i}`, tools, { maxTokens: 120, maxSteps: 2, temperature: 1, seed: i })).then((r) => {
          order.push(i);
          return r;
        }),
      ),
    );
    return { order, results: results as Outcome<PlanResult>[] };
  },
  checkTools: (tools: ToolInput[]) => outcome(planner!.checkTools(tools)),
  async dispose() {
    await planner?.dispose();
    planner = undefined;
  },

  /** Loads with the runtime on the main thread, recording progress events. */
  async load(model: string, device: DeviceRequest = 'wasm') {
    const events: ProgressInfo[] = [];
    const r = await outcome(
      loadModel(model, { device, dtype: 'q4', wasmPaths: WASM_PATHS, onProgress: (e) => events.push(e) }).then(async (m) => {
        const info = { device: m.device, reason: m.reason };
        await m.dispose();
        return info;
      }),
    );
    return { r, events: events.map((e) => ({ status: e.status, file: 'file' in e ? e.file : '', ...(e.status === 'done' ? { fromCache: e.fromCache } : {}), ...(e.status === 'warning' ? { error: e.error.name } : {}) })) };
  },
  clearCache: () => clearModelCache(),
  /** Replaces a cached file by a truncated copy (keeping the recorded size), as a crash mid-write would. */
  async corruptCached(url: string) {
    const cache = await caches.open('toolplan-models-v1');
    const hit = await cache.match(url);
    if (!hit) return false;
    const bytes = new Uint8Array(await hit.arrayBuffer());
    await cache.put(url, new Response(bytes.slice(0, bytes.length >> 1), { headers: { 'x-toolplan-size': String(bytes.length) } }));
    return true;
  },

  /**
   * Oracle: at every step, our cached logits equal one uncached forward over the whole sequence.
   * Returns the worst |Δ| relative to the row's max |logit|, and the device used.
   */
  async cacheOracle(model: string, device: DeviceRequest, dtype: 'q4' | 'fp32', prompt: number[], steps: number) {
    const m = await loadModel(model, { device, dtype, wasmPaths: WASM_PATHS, useCache: false });
    try {
      const lm = m.lm;
      let logits = await lm.forward(prompt);
      const seq = [...prompt];
      let worst = 0;
      const argmax = (a: Float32Array) => a.reduce((b, v, i) => (v > a[b]! ? i : b), 0);
      for (let s = 0; s < steps; s++) {
        const tok = argmax(logits);
        seq.push(tok);
        logits = await lm.forward([tok]);
        const snap = await lm.snapshot();
        lm.reset();
        const full = await lm.forward(seq);
        let d = 0;
        let scale = 0;
        for (let i = 0; i < full.length; i++) {
          d = Math.max(d, Math.abs(full[i]! - logits[i]!));
          scale = Math.max(scale, Math.abs(full[i]!));
        }
        worst = Math.max(worst, d / scale);
        lm.restore(snap);
      }
      return { device: m.device, worst, length: lm.length };
    } finally {
      await m.dispose();
    }
  },
};

declare global {
  interface Window {
    tp: typeof tp;
  }
}
window.tp = tp;
document.getElementById('status')!.textContent = 'ready';
