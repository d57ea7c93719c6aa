/**
 * The main-thread API: `createPlanner()` spawns the module worker and talks to it through Comlink.
 * Signals, streams and typed errors work as with the in-process Planner.
 */
import { proxy, releaseProxy, wrap, type Remote } from 'comlink';
import { installErrorTransfer } from './error-transfer.ts';
import { PlannerDisposedError, WorkerCrashedError } from './errors.ts';
import { streamOf } from './event-queue.ts';
import type { PlannerWorkerApi, WorkerPlannerOptions } from './protocol.ts';
import { checkPlanOptions } from './plan-options.ts';
import { shortlistTools, type ShortlistReport } from './shortlist.ts';
import { normalizeTools, type Tool, type ToolInput } from './tools.ts';
import type { PlanEvent, PlannerCheckOptions, PlannerInfo, PlannerOptions, PlanOptions, PlanResult, ToolPlanner } from './types.ts';

/** Options of `createPlanner`. */
export interface CreatePlannerOptions extends Omit<PlannerOptions, 'ort'> {
  /** Make the worker yourself (e.g. for a CSP or a custom bundler); default: the bundled module worker. */
  createWorker?: () => Worker;
}

function defaultWorker(): Worker {
  // In the published build this reads `new Worker(new URL('./worker.js', import.meta.url), …)`
  // (see vite.config.ts), the pattern Vite, webpack 5 and Next bundle without configuration.
  return new Worker(new URL(/* @vite-ignore */ '../worker/planner.worker.ts', import.meta.url), { type: 'module', name: 'toolplan' });
}

interface Live {
  worker: Worker;
  remote: Remote<PlannerWorkerApi>;
  ready: Promise<PlannerInfo>;
  pending: Set<(e: Error) => void>;
}

/**
 * A relative model path or wasm folder means "relative to the page", as in a fetch() on the page;
 * the worker would read it against its own script URL (e.g. `/assets/`), so it is resolved here.
 */
function againstPage(path: string | undefined): string | undefined {
  const here = (globalThis as { location?: { href: string } }).location?.href;
  if (path === undefined || !here || !/^(\.{1,2}\/|\/(?!\/))|^\.{1,2}$/.test(path)) return path;
  return new URL(path, here).href;
}

/**
 * A shortlist with a ranking function cannot cross to the worker (functions do not clone): it is
 * ranked here and the worker gets the kept tools. Any other call goes as it is.
 */
async function shortlistHere(query: string, tools: readonly ToolInput[], o: Omit<PlanOptions, 'signal'>): Promise<{ tools: ToolInput[]; options: Omit<PlanOptions, 'signal'>; report?: ShortlistReport }> {
  const sl = o.shortlist;
  if (typeof sl !== 'object' || sl === null || sl.rank === undefined) return { tools: [...tools], options: o };
  checkPlanOptions(o);
  const { shortlist: _drop, ...rest } = o;
  const { tools: kept, report } = await shortlistTools(query, normalizeTools(tools), sl);
  return { tools: kept, options: rest, report };
}

/** A planner running in a Web Worker. Make one with `createPlanner`. */
export class WorkerPlanner implements ToolPlanner {
  private live: Live | undefined;
  private nextId = 1;
  private disposed = false;
  private lastInfo: PlannerInfo | undefined;

  private constructor(private readonly options: CreatePlannerOptions) {}

  /** Starts the worker and loads the model; the same as `createPlanner(options)`. */
  static async create(options: CreatePlannerOptions = {}): Promise<WorkerPlanner> {
    installErrorTransfer();
    options.signal?.throwIfAborted();
    const p = new WorkerPlanner(options);
    const { signal } = options;
    let onAbort: (() => void) | undefined;
    try {
      const ready = p.spawn().ready;
      // The worker cannot see the page's signal: an abort ends the worker and the load with it.
      const aborted = new Promise<never>((_, reject) => signal?.addEventListener('abort', (onAbort = () => reject(signal.reason)), { once: true }));
      await Promise.race([ready, aborted]);
    } catch (e) {
      await p.dispose().catch(() => undefined);
      throw e;
    } finally {
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    }
    return p;
  }

  /** Device, dtype and model of the running worker (of the last one, after a crash). */
  get info(): PlannerInfo {
    // create() waits for the first load, so this is set on every planner a caller holds.
    return this.lastInfo!;
  }

  /** Starts (or restarts after a crash) the worker and loads the model. */
  private spawn(): Live {
    if (this.live) return this.live;
    const { onProgress, createWorker, model, wasmPaths, signal, ...rest } = this.options;
    const worker = (createWorker ?? defaultWorker)();
    const remote = wrap<PlannerWorkerApi>(worker);
    const init: WorkerPlannerOptions = { ...rest };
    const m = againstPage(model);
    const w = againstPage(wasmPaths);
    if (m !== undefined) init.model = m;
    if (w !== undefined) init.wasmPaths = w;
    let crashed!: (e: Error) => void;
    // A worker whose script fails to load (404, a CSP, a syntax error) only fires `error`: the load
    // fails with it instead of waiting forever.
    const died = new Promise<never>((_, reject) => (crashed = reject));
    const live: Live = {
      worker,
      remote,
      pending: new Set(),
      ready: Promise.race([remote.init(init, onProgress ? proxy(onProgress) : undefined), died]).then((i) => (this.lastInfo = i)),
    };
    worker.addEventListener('error', (ev) => {
      // An uncaught error in the worker: fail what is in flight and start afresh next time.
      const detail = (ev as ErrorEvent).message || 'the worker script failed to load or threw at start';
      const err = new WorkerCrashedError(`the planner worker crashed: ${detail}`);
      crashed(err);
      for (const fail of live.pending) fail(err);
      if (this.live === live) this.live = undefined;
      worker.terminate();
    });
    live.ready.catch(() => {
      // A failed load (404, no backend…) is not sticky: the next call tries again.
      if (this.live === live) this.live = undefined;
      worker.terminate();
    });
    this.live = live;
    return live;
  }

  private call<T>(signal: AbortSignal | undefined, run: (live: Live, id: number) => Promise<T>): Promise<T> {
    if (this.disposed) return Promise.reject(new PlannerDisposedError());
    if (signal?.aborted) return Promise.reject(signal.reason);
    const live = this.spawn();
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        void live.remote.abort(id, String((signal?.reason as Error | undefined)?.message ?? 'aborted'));
        reject(signal!.reason);
      };
      live.pending.add(reject);
      signal?.addEventListener('abort', onAbort, { once: true });
      live.ready
        .then(() => run(live, id))
        .then(resolve, reject)
        .finally(() => {
          live.pending.delete(reject);
          signal?.removeEventListener('abort', onAbort);
        });
    });
  }

  /**
   * Plans `query` over `tools`. Calls are answered in order; `signal` aborts at once.
   *
   * @example
   * ```ts
   * import { createPlanner, type ToolInput } from 'toolplan';
   *
   * const planner = await createPlanner();
   * const tools: ToolInput[] = [{ name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }];
   * const signal = AbortSignal.timeout(30_000); // or a Stop button's AbortController
   * const { plan, stats } = await planner.plan('Weather in Lisbon, then email it to Ana', tools, { signal });
   * console.log(plan.steps, stats.tokensPerSecond);
   * ```
   */
  plan(query: string, tools: readonly ToolInput[], options: PlanOptions = {}): Promise<PlanResult> {
    const { signal, ...rest } = options;
    return this.call(signal, async (live, id) => {
      const local = await shortlistHere(query, tools, rest);
      const result = await live.remote.plan(id, query, local.tools, local.options);
      return local.report ? { ...result, shortlist: local.report } : result;
    });
  }

  /**
   * Streams `token`, `step` (when a step object closes) and `done` events.
   *
   * @example
   * ```ts
   * import { createPlanner, type ToolInput } from 'toolplan';
   *
   * const planner = await createPlanner();
   * const tools: ToolInput[] = [{ name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }];
   * for await (const e of planner.stream('Weather in Lisbon and Porto', tools)) {
   *   if (e.type === 'token') document.body.append(e.text); // text as it is written
   *   if (e.type === 'step') console.log('step', e.step.id, e.step.tool, e.step.args); // each step as it closes
   * }
   * ```
   */
  stream(query: string, tools: readonly ToolInput[], options: PlanOptions = {}): AsyncIterableIterator<PlanEvent> {
    const { signal, ...rest } = options;
    return streamOf<PlanEvent>(signal, (inner, emit) =>
      this.call(inner, async (live, id) => {
        const local = await shortlistHere(query, tools, rest);
        // The done event carries the report of a shortlist ranked here.
        const relay = (e: PlanEvent) => emit(e.type === 'done' && local.report ? { ...e, result: { ...e.result, shortlist: local.report } } : e);
        const result = await live.remote.plan(id, query, local.tools, local.options, proxy(relay));
        return local.report ? { ...result, shortlist: local.report } : result;
      }),
    );
  }

  /** Normalises tools and checks them in the worker as `plan()` would for `options.format`; throws ToolDefinitionError on the first problem. */
  checkTools(tools: readonly ToolInput[], options: PlannerCheckOptions = {}): Promise<Tool[]> {
    return this.call(undefined, (live) => live.remote.checkTools([...tools], options));
  }

  /** Frees the model and ends the worker. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const live = this.live;
    this.live = undefined;
    if (!live) return;
    try {
      // A worker busy loading (or hung) may never answer: it is ended either way.
      await Promise.race([live.remote.dispose(), new Promise((resolve) => setTimeout(resolve, 1000))]);
    } finally {
      live.remote[releaseProxy]();
      live.worker.terminate();
    }
  }
}

/**
 * Starts a planner in a Web Worker and loads its model.
 *
 * @example
 * ```ts
 * import { createPlanner, type ToolInput } from 'toolplan';
 *
 * const bar = document.createElement('progress');
 * const planner = await createPlanner({
 *   model: 'onnx-community/Qwen3.5-0.8B-ONNX-OPT',
 *   dtype: 'q4',
 *   onProgress: (p) => {
 *     if (p.status === 'progress') bar.value = p.progress / 100;
 *   },
 * });
 * const tools: ToolInput[] = [
 *   { name: 'search_flights', parameters: { type: 'object', properties: { to: { type: 'string' } }, required: ['to'] } },
 *   { name: 'send_email', parameters: { type: 'object', properties: { to: { type: 'string' }, body: { type: 'string' } } } },
 * ];
 * const { plan } = await planner.plan('Find flights to Lisbon and email them to Ana', tools);
 * ```
 */
export function createPlanner(options: CreatePlannerOptions = {}): Promise<WorkerPlanner> {
  return WorkerPlanner.create(options);
}
