/**
 * Test page: drives the real worker planner (createPlanner) and, on the main thread, the model
 * runtime itself (downloads, Cache Storage, cache hand-over oracle) for Playwright.
 */
import { clearModelCache, createPlanner, loadModel, type PlanEvent, type PlanOptions, type PlanResult, type ProgressInfo, type ToolInput, type WorkerPlanner } from '../../src/index.ts';
import { decode, Sampler, type DeviceRequest } from '../../src/model/index.ts';
import { toolplan } from '../../src/ai-sdk/index.ts';
import { generateText, jsonSchema, Output, streamText, tool, type ToolSet } from 'ai';

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

/** Live GPU buffers and their bytes, counted by wrapping createBuffer/destroy (installed once). */
const gpuLive = { buffers: 0, bytes: 0, serial: 0, live: new Map<GPUBuffer, { n: number; size: number; usage: number }>() };
let gpuCounting = false;
function countGpuBuffers(): void {
  if (gpuCounting || !('GPUDevice' in self)) return;
  gpuCounting = true;
  const sizes = new WeakMap<GPUBuffer, number>();
  const create = GPUDevice.prototype.createBuffer;
  GPUDevice.prototype.createBuffer = function (this: GPUDevice, d: GPUBufferDescriptor) {
    const b = create.call(this, d);
    sizes.set(b, d.size);
    gpuLive.live.set(b, { n: gpuLive.serial++, size: d.size, usage: d.usage });
    gpuLive.buffers++;
    gpuLive.bytes += d.size;
    return b;
  };
  const destroy = GPUBuffer.prototype.destroy;
  GPUBuffer.prototype.destroy = function (this: GPUBuffer) {
    const n = sizes.get(this);
    if (n !== undefined) {
      sizes.delete(this);
      gpuLive.live.delete(this);
      gpuLive.buffers--;
      gpuLive.bytes -= n;
    }
    return destroy.call(this);
  };
}

let planner: WorkerPlanner | undefined;
const progress: ProgressInfo[] = [];

const tp = {
  async create(model: string, device: DeviceRequest, dtype: 'q4' | 'fp32') {
    progress.length = 0;
    planner = await createPlanner({ model, device, dtype, wasmPaths: WASM_PATHS, onProgress: (p) => progress.push(p) });
    return { info: planner.info, progress: progress.map((p) => p.status) };
  },
  /** A worker whose script is missing: the load must fail, not hang. */
  async createMissingWorker() {
    const t0 = performance.now();
    const r = await outcome(createPlanner({ createWorker: () => new Worker('/no-such-worker.js', { type: 'module' }) }));
    return { r: r.ok ? { ok: true as const } : r, ms: performance.now() - t0 };
  },
  /** toolplan/ai-sdk over the worker planner, with the real `ai` package on the page. */
  aiSdk: (query: string, tools: { name: string; description?: string; parameters: Record<string, unknown> }[]) =>
    outcome(
      (async () => {
        const model = toolplan(planner!, { maxSteps: 2 });
        const set: ToolSet = Object.fromEntries(tools.map((t) => [t.name, tool({ ...(t.description ? { description: t.description } : {}), inputSchema: jsonSchema(t.parameters) })]));
        const g = await generateText({ model, prompt: query, tools: set, toolChoice: 'required', temperature: 1, seed: 4, maxOutputTokens: 160 });
        const s = streamText({ model, prompt: query, tools: set, toolChoice: 'required', temperature: 1, seed: 5, maxOutputTokens: 160 });
        const parts: string[] = [];
        for await (const p of s.fullStream) parts.push(p.type);
        const person = { type: 'object', properties: { age: { type: 'integer', minimum: 0, maximum: 120 } }, required: ['age'], additionalProperties: false } as const;
        const o = await generateText({ model, prompt: 'Ana is 31', output: Output.object({ schema: jsonSchema<{ age: number }>(person) }) });
        return {
          generated: g.toolCalls.map((c) => ({ name: c.toolName, input: c.input, meta: c.providerMetadata?.toolplan ?? null })),
          streamed: (await s.toolCalls).map((c) => ({ name: c.toolName, input: c.input })),
          parts,
          object: o.output,
        };
      })(),
    ),
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
    // The next call's first token: it waits for the aborted one to stop, so this shows whether the
    // worker went on generating the aborted plan.
    const t0 = performance.now();
    let firstTokenMs = -1;
    const after = await outcome(
      (async () => {
        let result: PlanResult | undefined;
        for await (const e of planner!.stream(query, tools, { maxTokens: 120 })) {
          if (e.type === 'token' && firstTokenMs < 0) firstTokenMs = performance.now() - t0;
          if (e.type === 'done') result = e.result;
        }
        return result!;
      })(),
    );
    return { r, tokens, after, firstTokenMs, afterMs: performance.now() - t0 };
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
  /**
   * Greedy single-token steps on WebGPU, recording live GPU buffers at each checkpoint: a leaked
   * tensor per step would show as growth proportional to the steps.
   */
  /** Steps of the default WebGPU path (logits kept on the GPU, sampled there), counting live buffers. */
  async gpuGrowth(model: string, steps: number, every: number) {
    countGpuBuffers();
    const m = await loadModel(model, { device: 'webgpu', dtype: 'q4', wasmPaths: WASM_PATHS, useCache: false });
    try {
      const sampler = new Sampler();
      let next = await m.lm.sampleKept(await m.lm.forwardKept([9707, 11, 1246, 525]), undefined, sampler);
      const points: { step: number; buffers: number; bytes: number; ms: number }[] = [];
      const t0 = performance.now();
      const firstSerial = gpuLive.serial;
      for (let s = 1; s <= steps; s++) {
        next = await m.lm.sampleKept(await m.lm.forwardKept([next]), undefined, sampler);
        if (s % every === 0) points.push({ step: s, buffers: gpuLive.buffers, bytes: gpuLive.bytes, ms: performance.now() - t0 });
      }
      // Buffers made during the steps and still alive, by usage and size: names the culprit of any growth.
      const born = new Map<string, number>();
      for (const v of gpuLive.live.values()) if (v.n >= firstSerial) born.set(`usage ${v.usage} size ${v.size}`, (born.get(`usage ${v.usage} size ${v.size}`) ?? 0) + 1);
      return { device: m.device, onDevice: m.lm.samplesOnDevice, points, length: m.lm.length, born: [...born].sort((a, b) => b[1] - a[1]).slice(0, 5) };
    } finally {
      await m.dispose();
    }
  },

  /** Tokens of the same decode sampled on the GPU and on the read-back row (greedy, seeded temperature). */
  async deviceSampling(model: string, dtype: 'fp32' | 'q4', prompt: number[], steps: number, temperature: number) {
    const run = async (sampleOnDevice: boolean) => {
      const m = await loadModel(model, { device: 'webgpu', dtype, wasmPaths: WASM_PATHS, useCache: false, sampleOnDevice });
      try {
        const ids: number[] = [];
        const it = decode(m.lm, prompt, { sampler: new Sampler({ temperature, seed: 5 }), maxNewTokens: steps, stopTokens: [] });
        for (let r = await it.next(); !r.done; r = await it.next()) ids.push(r.value.token);
        return { ids, onDevice: m.lm.samplesOnDevice, timings: m.lm.timings };
      } finally {
        await m.dispose();
      }
    };
    return { gpu: await run(true), readBack: await run(false) };
  },
};

declare global {
  interface Window {
    tp: typeof tp;
  }
}
window.tp = tp;
document.getElementById('status')!.textContent = 'ready';
