/** One fuzz run: cases drawn from a seed, each against a real Planner over the fake runtime. */
import { join, resolve } from 'node:path';
import { Planner, type PlanOptions, type PlanResult, type ToolInput } from '../../src/planner/index.ts';
import { NoAllowedTokenError } from '../../src/model/errors.ts';
import { ToolplanError } from '../../src/shared/toolplan-error.ts';
import { planFaults } from './check.ts';
import { drawLoad, FaultyModelServer, fixturesRoot } from './load-case.ts';
import { LONG_PROMPT_BOUND_MIB, longQuery, withPeak, type LongPromptModel } from './long-prompt-case.ts';
import { fakeOrt, POLICIES, type LogitsControl, type Policy } from './fake-ort.ts';
import { optionsOf, type FuzzOptions } from './options.ts';
import { Rng } from './rng.ts';
import { queryOf, toolsOf } from './tools.ts';

export type Outcome = 'plan' | 'typed' | 'untyped' | 'invalid' | 'hang' | 'memory';
export interface Finding {
  outcome: Outcome;
  caseSeed: number;
  config: string;
  policy: Policy;
  detail: string;
  tools: unknown;
  options: FuzzOptions;
  abort: string;
}
export interface Summary {
  cases: number;
  counts: Record<Outcome, number>;
  typedByName: Record<string, number>;
  /** The first few case seeds of each typed error, to replay with `--case`. */
  typedSeeds: Record<string, number[]>;
  /** Distinct typed messages (numbers blanked), with counts, for tuning the generators. */
  typedMessages: Map<string, number>;
  findings: Finding[];
  ms: number;
  memStart: NodeJS.MemoryUsage;
  memEnd: NodeJS.MemoryUsage;
  /** The long-prompt cases: prompt length and the prefill's peak RSS above the start (MiB; Linux). */
  longPrompts: { model: LongPromptModel; promptTokens: number; peakAboveMiB: number | undefined }[];
  /** Load cases by the server's fault: how many loaded, how many failed (typed or not). */
  loads: Record<string, { loaded: number; failed: number }>;
  /** rss / heapUsed / arrayBuffers (MiB) every 100 cases, after a GC when --expose-gc is on. */
  memTrace: { at: number; rss: number; heap: number; buffers: number }[];
}
export interface FuzzConfig {
  cases: number;
  seconds: number;
  seed: number;
  caseTimeoutMs?: number;
  /** Caps maxTokens (a quick run, e.g. in a unit test). */
  maxTokensCap?: number;
  /** Replay these case seeds instead of drawing from `seed`. */
  caseSeeds?: number[];
  /** After a timeout, how long to wait more to tell slow from stuck (default 60 s). */
  graceMs?: number;
  onCase?: (i: number, caseSeed: number) => void;
  /** Shares of load cases (through a faulty server) and long-prompt cases (real runtime); default 0.012 and 0.004, 0 for none. */
  loadShare?: number;
  longShare?: number;
}

const MODELS = resolve(import.meta.dirname, '../../fixtures/models');
const CONFIGS = [
  { name: 'qwen3_5/xml', model: 'tiny-qwen3_5', syntax: undefined },
  { name: 'qwen3_5/json', model: 'tiny-qwen3_5', syntax: 'json' },
  { name: 'qwen3/json', model: 'tiny-qwen3', syntax: undefined },
  { name: 'qwen3/xml', model: 'tiny-qwen3', syntax: 'xml' },
] as const;

const control: LogitsControl = { policy: 'random', rng: new Rng(1), passes: 0 };

async function makePlanner(i: number): Promise<Planner> {
  const c = CONFIGS[i]!;
  const dir = join(MODELS, c.model);
  return Planner.create({ model: dir, dtype: 'q4', ort: fakeOrt(dir, control), ...(c.syntax ? { preset: { toolCallSyntax: c.syntax } } : {}) });
}

/** How a case is cut short, if at all. */
export type Abort = { kind: 'none' } | { kind: 'events'; n: number } | { kind: 'delay'; ms: number } | { kind: 'pre' } | { kind: 'timeout'; ms: number };
function abortOf(r: Rng): Abort {
  const k = r.next();
  if (k < 0.7) return { kind: 'none' };
  if (k < 0.85) return { kind: 'events', n: r.int(0, 40) };
  if (k < 0.95) return { kind: 'delay', ms: r.int(0, 150) };
  if (k < 0.97) return { kind: 'pre' };
  return { kind: 'timeout', ms: r.int(1, 100) };
}

const isTyped = (e: unknown): boolean => e instanceof ToolplanError || (e instanceof DOMException && (e.name === 'AbortError' || e.name === 'TimeoutError'));

/** Runs one call; resolves with the result or rejects with what the planner threw. */
export async function call(p: Planner, query: string, tools: unknown, o: FuzzOptions, abort: Abort, useStream: boolean): Promise<{ result: PlanResult; streamed: unknown[] | undefined }> {
  const ac = new AbortController();
  let signal: AbortSignal | undefined = ac.signal;
  if (abort.kind === 'none') signal = undefined;
  if (abort.kind === 'pre') ac.abort();
  if (abort.kind === 'timeout') signal = AbortSignal.timeout(abort.ms);
  if (abort.kind === 'delay') setTimeout(() => ac.abort(), abort.ms);
  const opts = { ...o, ...(signal ? { signal } : {}) } as PlanOptions;
  const toolList = tools as readonly ToolInput[];
  if (!useStream && abort.kind !== 'events') return { result: await p.plan(query, toolList, opts), streamed: undefined };
  const streamed: unknown[] = [];
  let events = 0;
  for await (const e of p.stream(query, toolList, opts)) {
    if (abort.kind === 'events' && ++events >= abort.n) ac.abort();
    if (e.type === 'step') streamed.push(structuredClone(e.step));
    if (e.type === 'done') return { result: e.result, streamed };
  }
  throw new Error('fuzz: the stream ended without a done event');
}

function describe(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ''}` : `non-Error thrown: ${String(e)}`;
}

/** What one case did, before it is counted. */
interface CaseResult {
  outcome: Outcome;
  detail: string;
  /** The typed error, when the outcome is `typed`. */
  error?: Error;
  config: string;
  policy: Policy;
  tools: unknown;
  options: FuzzOptions;
  abort: string;
}

/** Races `running` against the case timeout; after a timeout, waits `graceMs` more to tell slow from stuck. */
async function settle<T>(running: Promise<T>, timeout: number, graceMs: number): Promise<{ value: T } | { hang: string }> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<'hang'>((res) => (timer = setTimeout(() => res('hang'), timeout)));
  const started = Date.now();
  try {
    const got = await Promise.race([running.then((value) => ({ value })), hang]);
    if (got !== 'hang') return got;
  } finally {
    clearTimeout(timer);
  }
  const late = await Promise.race([running.then(() => 'a result', (e: unknown) => (e instanceof Error ? e.name : 'a throw')), new Promise<undefined>((res) => setTimeout(res, graceMs))]);
  return { hang: late ? `no answer in ${timeout} ms; slow, not stuck: ended with ${late} after ${Date.now() - started} ms` : `no answer in ${timeout} ms, none after ${Date.now() - started} ms either (stuck)` };
}

/** A thrown value as an outcome: typed, untyped, or (an empty mask) the grammar's dead end. */
function thrown(e: unknown): Pick<CaseResult, 'outcome' | 'detail' | 'error'> {
  // An empty mask is a dead end of the grammar: a finding, though typed (ruledOut: the logits did it).
  if (e instanceof NoAllowedTokenError && !e.ruledOut) return { outcome: 'invalid', detail: describe(e) };
  return isTyped(e) ? { outcome: 'typed', detail: '', error: e as Error } : { outcome: 'untyped', detail: describe(e) };
}


export async function runFuzz(cfg: FuzzConfig): Promise<Summary> {
  const timeout = cfg.caseTimeoutMs ?? 20_000;
  const graceMs = cfg.graceMs ?? 60_000;
  // The rest of the cases are plans over the fake runtime.
  const loadShare = cfg.loadShare ?? 0.012;
  const longShare = cfg.longShare ?? 0.004;
  const memStart = process.memoryUsage();
  const t0 = Date.now();
  const planners: (Planner | undefined)[] = [];
  const real = new Map<LongPromptModel, Planner>();
  let server: FaultyModelServer | undefined;
  const master = new Rng(cfg.seed);
  const counts: Record<Outcome, number> = { plan: 0, typed: 0, untyped: 0, invalid: 0, hang: 0, memory: 0 };
  const typedByName: Record<string, number> = {};
  const findings: Finding[] = [];
  const typedMessages = new Map<string, number>();
  const typedSeeds: Record<string, number[]> = {};
  const memTrace: Summary['memTrace'] = [];
  const longPrompts: Summary['longPrompts'] = [];
  const loads: Summary['loads'] = {};
  const gc = (globalThis as { gc?: () => void }).gc;

  const planCase = async (r: Rng): Promise<CaseResult> => {
    const ci = r.int(0, CONFIGS.length - 1);
    const policy = r.pick(POLICIES);
    const tools = toolsOf(r);
    const options = optionsOf(r);
    if (cfg.maxTokensCap && typeof options.maxTokens === 'number' && options.maxTokens > cfg.maxTokensCap) options.maxTokens = cfg.maxTokensCap;
    const query = queryOf(r);
    const abort = abortOf(r);
    const useStream = r.chance(0.4);
    control.policy = policy;
    control.rng = new Rng(r.seed());
    const planner = (planners[ci] ??= await makePlanner(ci));
    const base = { config: CONFIGS[ci]!.name, policy, tools, options, abort: JSON.stringify(abort) };
    try {
      const got = await settle(call(planner, query, tools, options, abort, useStream), timeout, graceMs);
      if ('hang' in got) {
        planners[ci] = undefined; // its queue may be stuck: a fresh planner for the next case
        void planner.dispose().catch(() => undefined);
        return { ...base, outcome: 'hang', detail: got.hang };
      }
      const min = typeof options.minSteps === 'number' ? options.minSteps : 1;
      const max = typeof options.maxSteps === 'number' ? options.maxSteps : 5;
      const { result, streamed } = got.value;
      const faults = planFaults(result.plan, tools, min, max);
      if (streamed && result.plan && JSON.stringify(streamed) !== JSON.stringify(result.plan.steps)) faults.push(`streamed steps differ: ${JSON.stringify(streamed)}`);
      return { ...base, outcome: faults.length ? 'invalid' : 'plan', detail: faults.length ? `${faults.join('; ')}\nplan: ${JSON.stringify(result.plan)}\ntext: ${JSON.stringify(result.text)}` : '' };
    } catch (e) {
      return { ...base, ...thrown(e) };
    }
  };

  // Loads through a misbehaving server: a planner that plans, or a typed error, in bounded time.
  const loadCase = async (r: Rng): Promise<CaseResult> => {
    server ??= await FaultyModelServer.start(fixturesRoot());
    const load = drawLoad(server, r, r.pick(['tiny-qwen3_5', 'tiny-qwen3']));
    const base = { config: `load ${load.fault.fault} ${load.fault.file} (stall ${load.stallTimeoutMs} ms${load.cancelAfterMs === undefined ? '' : `, cancel at ${load.cancelAfterMs} ms`})`, policy: 'random' as const, tools: [], options: {}, abort: 'none' };
    const made = load.create();
    const got = await settle(made, timeout, graceMs).catch((e: unknown) => ({ error: e }));
    const tally = (loads[load.fault.fault] ??= { loaded: 0, failed: 0 });
    if ('value' in got) tally.loaded++;
    else tally.failed++;
    if ('hang' in got) {
      void made.then((p) => p.dispose(), () => undefined);
      return { ...base, outcome: 'hang', detail: got.hang };
    }
    if ('error' in got) return { ...base, ...thrown(got.error) };
    const p = got.value;
    try {
      const tools = [{ name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string', maxLength: 8 } }, required: ['city'] } }];
      const res = await p.plan('Weather in Lisbon', tools, { maxTokens: 200 });
      const faults = planFaults(res.plan, tools, 1, 5);
      return { ...base, outcome: faults.length ? 'invalid' : 'plan', detail: faults.join('; ') };
    } catch (e) {
      return { ...base, ...thrown(e) };
    } finally {
      await p.dispose().catch(() => undefined);
    }
  };

  // A query near the context on the real runtime, both layouts, with the prefill's peak sampled.
  const longCase = async (r: Rng): Promise<CaseResult> => {
    const model = r.pick(['tiny-qwen3', 'tiny-qwen3_5'] as const);
    const words = r.int(1000, 3900);
    const base = { config: `long prompt ${model} ~${words} tokens`, policy: 'random' as const, tools: [], options: {}, abort: 'none' };
    let p = real.get(model);
    if (!p) real.set(model, (p = await Planner.create({ model: join(MODELS, model), dtype: 'q4' })));
    const tools = [{ name: 'search', parameters: { type: 'object', properties: { q: { type: 'string', maxLength: 12 } }, required: ['q'] } }];
    try {
      const { value: res, peakAboveMiB } = await withPeak(() => p.plan(longQuery(words), tools, { maxTokens: 200 }));
      longPrompts.push({ model, promptTokens: res.stats.promptTokens, peakAboveMiB });
      const faults = planFaults(res.plan, tools, 1, 5);
      if (peakAboveMiB !== undefined && peakAboveMiB > LONG_PROMPT_BOUND_MIB[model]) return { ...base, outcome: 'memory', detail: `prefill of ${res.stats.promptTokens} tokens peaked ${peakAboveMiB.toFixed(0)} MiB above, bound ${LONG_PROMPT_BOUND_MIB[model]} MiB` };
      return { ...base, outcome: faults.length ? 'invalid' : 'plan', detail: faults.join('; ') };
    } catch (e) {
      return { ...base, ...thrown(e) };
    }
  };

  let i = 0;
  const total = cfg.caseSeeds?.length ?? cfg.cases;
  for (; i < total && Date.now() - t0 < cfg.seconds * 1000; i++) {
    const caseSeed = cfg.caseSeeds?.[i] ?? master.seed();
    cfg.onCase?.(i, caseSeed);
    if (i % 100 === 0) {
      gc?.();
      const m = process.memoryUsage();
      memTrace.push({ at: i, rss: Math.round(m.rss / 2 ** 20), heap: Math.round(m.heapUsed / 2 ** 20), buffers: Math.round(m.arrayBuffers / 2 ** 20) });
    }
    const r = new Rng(caseSeed);
    const k = r.next();
    const c = k < loadShare ? await loadCase(r) : k < loadShare + longShare ? await longCase(r) : await planCase(r);
    counts[c.outcome]++;
    if (c.outcome === 'typed' && c.error) {
      const name = c.error.name;
      typedByName[name] = (typedByName[name] ?? 0) + 1;
      const m = `${name}: ${c.error.message.replace(/\d+/g, '#').slice(0, 120)}`;
      typedMessages.set(m, (typedMessages.get(m) ?? 0) + 1);
      const seeds = (typedSeeds[name] ??= []);
      if (seeds.length < 5) seeds.push(caseSeed);
    }
    if (c.outcome !== 'plan' && c.outcome !== 'typed') findings.push({ outcome: c.outcome, caseSeed, config: c.config, policy: c.policy, detail: c.detail, tools: c.tools, options: c.options, abort: c.abort });
  }
  for (const p of planners) await p?.dispose().catch(() => undefined);
  for (const p of real.values()) await p.dispose().catch(() => undefined);
  await server?.close();
  return { cases: i, counts, typedByName, typedSeeds, typedMessages, findings, ms: Date.now() - t0, memStart, memEnd: process.memoryUsage(), memTrace, longPrompts, loads };
}
