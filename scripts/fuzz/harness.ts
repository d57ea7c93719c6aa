/** One fuzz run: cases drawn from a seed, each against a real Planner over the fake runtime. */
import { join, resolve } from 'node:path';
import { Planner } from '../../src/planner/planner.ts';
import type { ToolInput } from '../../src/planner/tools.ts';
import type { PlanOptions, PlanResult } from '../../src/planner/types.ts';
import { ToolplanError } from '../../src/toolplan-error.ts';
import { planFaults } from './check.ts';
import { fakeOrt, POLICIES, type LogitsControl, type Policy } from './fake-ort.ts';
import { optionsOf, type FuzzOptions } from './options.ts';
import { Rng } from './rng.ts';
import { queryOf, toolsOf } from './tools.ts';

export type Outcome = 'plan' | 'typed' | 'untyped' | 'invalid' | 'hang';
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
  /** Distinct typed messages (numbers blanked), with counts, for tuning the generators. */
  typedMessages: Map<string, number>;
  findings: Finding[];
  ms: number;
  memStart: NodeJS.MemoryUsage;
  memEnd: NodeJS.MemoryUsage;
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
type Abort = { kind: 'none' } | { kind: 'events'; n: number } | { kind: 'delay'; ms: number } | { kind: 'pre' } | { kind: 'timeout'; ms: number };
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
async function call(p: Planner, query: string, tools: unknown, o: FuzzOptions, abort: Abort, useStream: boolean): Promise<{ result: PlanResult; streamed: unknown[] | undefined }> {
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

export async function runFuzz(cfg: FuzzConfig): Promise<Summary> {
  const timeout = cfg.caseTimeoutMs ?? 20_000;
  const memStart = process.memoryUsage();
  const t0 = Date.now();
  const planners: (Planner | undefined)[] = [];
  const master = new Rng(cfg.seed);
  const counts: Record<Outcome, number> = { plan: 0, typed: 0, untyped: 0, invalid: 0, hang: 0 };
  const typedByName: Record<string, number> = {};
  const findings: Finding[] = [];
  const typedMessages = new Map<string, number>();
  const memTrace: Summary['memTrace'] = [];
  const gc = (globalThis as { gc?: () => void }).gc;
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
    let timer: NodeJS.Timeout | undefined;
    const hang = new Promise<'hang'>((res) => (timer = setTimeout(() => res('hang'), timeout)));
    let outcome: Outcome;
    let detail = '';
    const started = Date.now();
    const running = call(planner, query, tools, options, abort, useStream);
    try {
      const got = await Promise.race([running, hang]);
      if (got === 'hang') {
        outcome = 'hang';
        // Slow or stuck? Wait a grace period more to tell.
        const late = await Promise.race([running.then(() => 'a plan', (e: unknown) => (e instanceof Error ? e.name : 'a throw')), new Promise<undefined>((res) => setTimeout(res, cfg.graceMs ?? 60_000))]);
        detail = late ? `no answer in ${timeout} ms; slow, not stuck: ended with ${late} after ${Date.now() - started} ms` : `no answer in ${timeout} ms, none after ${Date.now() - started} ms either (stuck)`;
        planners[ci] = undefined; // its queue may be stuck: a fresh planner for the next case
        void planner.dispose().catch(() => undefined);
      } else {
        const min = typeof options.minSteps === 'number' ? options.minSteps : 1;
        const max = typeof options.maxSteps === 'number' ? options.maxSteps : 5;
        const faults = planFaults(got.result.plan, tools, min, max);
        if (got.streamed && got.result.plan && JSON.stringify(got.streamed) !== JSON.stringify(got.result.plan.steps)) faults.push(`streamed steps differ: ${JSON.stringify(got.streamed)}`);
        outcome = faults.length ? 'invalid' : 'plan';
        detail = faults.length ? `${faults.join('; ')}\nplan: ${JSON.stringify(got.result.plan)}\ntext: ${JSON.stringify(got.result.text)}` : '';
      }
    } catch (e) {
      outcome = isTyped(e) ? 'typed' : 'untyped';
      const name = e instanceof Error ? e.name : typeof e;
      if (outcome === 'typed') {
        typedByName[name] = (typedByName[name] ?? 0) + 1;
        const m = `${name}: ${(e as Error).message.replace(/\d+/g, '#').slice(0, 120)}`;
        typedMessages.set(m, (typedMessages.get(m) ?? 0) + 1);
      }
      else detail = describe(e);
    } finally {
      clearTimeout(timer);
    }
    counts[outcome]++;
    if (outcome !== 'plan' && outcome !== 'typed') findings.push({ outcome, caseSeed, config: CONFIGS[ci]!.name, policy, detail, tools, options, abort: JSON.stringify(abort) });
  }
  for (const p of planners) await p?.dispose().catch(() => undefined);
  return { cases: i, counts, typedByName, typedMessages, findings, ms: Date.now() - t0, memStart, memEnd: process.memoryUsage(), memTrace };
}
