/**
 * npx tsx scripts/bench/mask-distribution.ts — the whole distribution of per-token mask times,
 * toolplan's engine beside XGrammar (@mlc-ai/web-xgrammar, WASM), on the Qwen3 vocabulary
 * (151,936 ids) and the same token sequences, over two corpora of (schema, valid instance) pairs:
 *
 * - `bfcl`: every BFCL v4 function schema (types normalized by `bfclToJsonSchema`,
 *   additionalProperties as written: absent = allowed) with each of its ground-truth calls, made an
 *   instance as test/grammar/bfcl.test.ts makes it (first option per parameter; calls that fail
 *   their own schema, by ajv, are left out and counted). Functions without a call (the irrelevance
 *   category) have nothing to walk.
 * - `jsts`: JSON-Schema-Test-Suite draft2020-12, every valid instance of every group.
 *
 * The text of an instance is compact JSON in the engine's key order (scripts/lib/canonical.ts;
 * plain JSON.stringify where our schema builder refuses the schema), tokenized by greedy longest
 * match (`vocab.tokenize`). Per case and engine: compile once per distinct schema (timed: our
 * `compileGrammar`, XGrammar's `compileJSONSchema` with indent -1, separators [",", ":"] and
 * strictMode off, so that absent additionalProperties means allowed as in JSON Schema), then walk a
 * fresh matcher: each step times the mask (`fillMask` / `getNextTokenBitmask`) and the accept; the
 * last step is the mask where the stop token is chosen. The first mask of each walk is part of the
 * distribution (no mask is made at compile). The jump-forward probes (our `forcedTokens()` and
 * `forcedBytes()`, XGrammar's `findJumpForwardString()`) run between the two, untimed.
 * A case is skipped for an engine when that engine fails to compile its schema or rejects the walk
 * (the token is masked out, accept fails, or the stop token is not allowed at the end); each is
 * counted. Each engine first walks an untimed warm-up case no corpus has.
 *
 * Reports per corpus and engine: cases walked, masks, p50/p90/p99/p99.9/max (µs), share of masks
 * over 1 ms, and of those over 1 ms of the engine's own work (wall time outside GC pauses over
 * 1 ms, and the process's CPU time over the mask over 1 ms too: a collection, or the machine
 * descheduling the thread, is not the engine's mask), compile p50 (ms, per distinct schema), accept p50 (µs), and the forced share (steps
 * where the engine offers a jump-forward: ours `forcedTokens().length > 0`, and `forcedBytes()`
 * non-empty, which is what XGrammar's string measures), as rows over each engine's own cases and,
 * when both engines run, over the cases both walked. Markdown table plus one JSON line per row,
 * then our 15 slowest masks with the text before the token, the process CPU time over the mask
 * (far below its wall time: the thread was descheduled, as on a shared machine), the time inside
 * GC pauses, and the same step on a second walk of the same grammar (fast there: the first walk
 * paid for lazily built parts, once per grammar or vocabulary).
 *
 * Flags: --corpora bfcl,jsts  --engines toolplan,xgrammar  --limit N (cases per corpus)
 *        --json out.json (rows, slowest masks and skip counts as one JSON document)
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { CompiledGrammar as XgCompiledGrammar, GrammarCompiler as XgGrammarCompiler } from '@mlc-ai/web-xgrammar';
import { compileGrammar, TokenRejectedError, type CompiledGrammar } from '../../src/grammar/index.ts';
import { SchemaBuilder } from '../../src/grammar/schema/build.ts';
import { bfclToJsonSchema } from '../../src/eval/bfcl-schema.ts';
import { truthValue } from '../lib/bfcl-truth.ts';
import { canonicalJson } from '../lib/canonical.ts';
import { qwenVocabulary } from '../lib/qwen-vocab.ts';
import { sharedData } from '../lib/shared.ts';
import { xgrammar } from '../lib/xgrammar.ts';

const { values } = parseArgs({
  options: {
    corpora: { type: 'string', default: 'bfcl,jsts' },
    engines: { type: 'string', default: 'toolplan,xgrammar' },
    limit: { type: 'string' },
    json: { type: 'string' },
  },
});

type CorpusName = 'bfcl' | 'jsts';
type EngineName = 'toolplan' | 'xgrammar';
const CORPORA = values.corpora!.split(',').map((c) => {
  if (c !== 'bfcl' && c !== 'jsts') throw new Error(`unknown corpus ${c}; known: bfcl, jsts`);
  return c;
});
const ENGINES = values.engines!.split(',').map((e) => {
  if (e !== 'toolplan' && e !== 'xgrammar') throw new Error(`unknown engine ${e}; known: toolplan, xgrammar`);
  return e;
});
const LIMIT = values.limit === undefined ? Infinity : Number(values.limit);
const runStart = performance.now();
// GC pauses, to tell a slow mask that a collection interrupted from one that did the work itself.
const gcPauses: PerformanceEntry[] = [];
const gcObserver = new PerformanceObserver((list) => gcPauses.push(...list.getEntries()));
gcObserver.observe({ entryTypes: ['gc'] });

const vocab = qwenVocabulary();
const SIZE = vocab.size;
const STOP = [...vocab.stopTokens];
const enc = new TextEncoder();

// ---------------------------------------------------------------------------------------------
// Corpora

interface Case {
  corpus: CorpusName;
  /** BFCL: `id/function#call`; JSTS: `file | group | test`. */
  id: string;
  /** JSON text of the schema: cases sharing it share one compile. */
  schemaKey: string;
  schema: unknown;
  text: string;
  ids: number[];
}

interface CorpusInfo {
  cases: Case[];
  /** Why some instances never became cases (not an engine's doing). */
  notes: Record<string, number>;
}

/** Compact JSON in the engine's key order, or plain JSON where our schema builder refuses the schema. */
function instanceText(schema: unknown, data: unknown): string {
  try {
    return canonicalJson(data, new SchemaBuilder(schema).rootNode());
  } catch {
    return JSON.stringify(data);
  }
}

function makeCase(corpus: CorpusName, id: string, schema: unknown, text: string): Case {
  return { corpus, id, schemaKey: JSON.stringify(schema), schema, text, ids: vocab.tokenize(enc.encode(text)) };
}

function bfclCorpus(): CorpusInfo {
  const dir = sharedData('bfcl');
  const lines = <T>(file: string): T[] =>
    readFileSync(join(dir, file), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as T);
  const ajv = new Ajv2020({ strict: false });
  addFormats(ajv);
  const cases: Case[] = [];
  const notes = { functions: 0, functions_without_call: 0, truth_fails_own_schema: 0 };
  const withCall = new Set<string>();
  for (const cat of ['simple_python', 'multiple', 'parallel', 'parallel_multiple', 'irrelevance']) {
    const schemas = new Map<string, unknown>();
    for (const c of lines<{ id: string; function: { name: string; parameters: unknown }[] }>(`BFCL_v4_${cat}.json`)) {
      for (const f of c.function) {
        notes.functions++;
        schemas.set(`${c.id}/${f.name}`, bfclToJsonSchema(f.parameters));
      }
    }
    if (cat !== 'irrelevance') {
      for (const a of lines<{ id: string; ground_truth: Record<string, Record<string, unknown[]>>[] }>(`BFCL_v4_${cat}.answer.json`)) {
        a.ground_truth.forEach((call, k) => {
          const [name, params] = Object.entries(call)[0]!;
          const schema = schemas.get(`${a.id}/${name}`);
          if (schema === undefined) return;
          withCall.add(`${a.id}/${name}`);
          const args = truthValue(params);
          let valid: boolean;
          try {
            valid = ajv.validate(schema as object, args);
          } catch {
            valid = false;
          }
          // Some ground truths break their own schema ("venue": true for a string).
          if (!valid) {
            notes.truth_fails_own_schema++;
            return;
          }
          cases.push(makeCase('bfcl', `${a.id}/${name}#${k}`, schema, instanceText(schema, args)));
        });
      }
    }
    for (const key of schemas.keys()) if (!withCall.has(key)) notes.functions_without_call++;
  }
  return { cases, notes };
}

function jstsCorpus(): CorpusInfo {
  const dir = sharedData('json-schema-test-suite/draft2020-12');
  const cases: Case[] = [];
  const notes = { groups: 0, valid_instances: 0 };
  interface Group {
    description: string;
    schema: unknown;
    tests: { description: string; data: unknown; valid: boolean }[];
  }
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    for (const g of JSON.parse(readFileSync(join(dir, file), 'utf8')) as Group[]) {
      notes.groups++;
      for (const t of g.tests) {
        if (!t.valid) continue;
        notes.valid_instances++;
        cases.push(makeCase('jsts', `${file} | ${g.description} | ${t.description}`, g.schema, instanceText(g.schema, t.data)));
      }
    }
  }
  return { cases, notes };
}

// ---------------------------------------------------------------------------------------------
// Engines

/** One walk: per-step mask and accept times (µs); the last step is where the stop token is chosen. */
interface Walk {
  masks: Float64Array;
  /** performance.now() at the start of each mask (ms), to match masks with GC pauses. */
  starts: Float64Array;
  /**
   * Process CPU time over each mask (µs, process.cpuUsage, read outside the timed span): far below
   * the mask's wall time means the thread was descheduled (another process on the cores), not busy.
   */
  cpu: Float64Array;
  accepts: Float64Array;
  /** Steps where the engine offers a jump-forward (ours: forcedTokens non-empty; XGrammar: its string). */
  forced: number;
  /** Ours only: steps where forcedBytes() is non-empty (what XGrammar's string measures). */
  forcedBytes: number;
}

class WalkRejected extends Error {
  constructor(
    readonly step: number,
    readonly how: 'mask' | 'accept' | 'stop',
  ) {
    super(`rejected at step ${step} (${how})`);
  }
}

interface Prepared {
  compileMs: number;
  walk(ids: number[]): Promise<Walk>;
  dispose(): void;
}

interface Engine {
  name: EngineName;
  /** Throws when the engine refuses the schema. */
  prepare(schema: unknown): Promise<Prepared>;
}

const allowed = (mask: Uint32Array | Int32Array, t: number) => ((mask[t >>> 5]! >>> (t & 31)) & 1) === 1;

function toolplanEngine(): Engine {
  const mask = vocab.allocateMask();
  const walk = (g: CompiledGrammar, ids: number[]): Walk => {
    const m = g.matcher();
    const n = ids.length + 1;
    const masks = new Float64Array(n);
    const starts = new Float64Array(n);
    const cpu = new Float64Array(n);
    const accepts = new Float64Array(n);
    let forced = 0;
    let forcedBytes = 0;
    for (let i = 0; i < n; i++) {
      const t = i < ids.length ? ids[i]! : STOP[0]!;
      const c0 = process.cpuUsage();
      let a = performance.now();
      m.fillMask(mask);
      masks[i] = (performance.now() - a) * 1000;
      const c1 = process.cpuUsage(c0);
      cpu[i] = c1.user + c1.system;
      starts[i] = a;
      if (m.forcedTokens().length > 0) forced++;
      if (m.forcedBytes().length > 0) forcedBytes++;
      if (!allowed(mask, t)) throw new WalkRejected(i, i < ids.length ? 'mask' : 'stop');
      a = performance.now();
      try {
        m.accept(t);
      } catch (e) {
        if (e instanceof TokenRejectedError) throw new WalkRejected(i, i < ids.length ? 'accept' : 'stop');
        throw e;
      }
      accepts[i] = (performance.now() - a) * 1000;
    }
    return { masks, starts, cpu, accepts, forced, forcedBytes };
  };
  return {
    name: 'toolplan',
    async prepare(schema) {
      const t0 = performance.now();
      const g = compileGrammar(schema, vocab);
      const compileMs = performance.now() - t0;
      return { compileMs, walk: async (ids) => walk(g, ids), dispose() {} };
    },
  };
}

async function xgrammarEngine(): Promise<Engine> {
  // The helper's compiler is in strict mode (absent additionalProperties = false): reuse its module
  // and tokenizer info, with a compiler of our own where absent means allowed, as in JSON Schema.
  const { xg, compile } = await xgrammar(SIZE, STOP);
  const probe = await compile({ type: 'boolean' });
  // No cache: each distinct schema is compiled once here, and the cache would keep them all.
  const compiler: XgGrammarCompiler = await xg.GrammarCompiler.createGrammarCompiler(probe.tokenizerInfo(), false);
  probe.dispose();
  const walk = async (compiled: XgCompiledGrammar, ids: number[]): Promise<Walk> => {
    const m = await xg.GrammarMatcher.createGrammarMatcher(compiled);
    try {
      const n = ids.length + 1;
      const masks = new Float64Array(n);
      const starts = new Float64Array(n);
      const cpu = new Float64Array(n);
      const accepts = new Float64Array(n);
      let forced = 0;
      for (let i = 0; i < n; i++) {
        const t = i < ids.length ? ids[i]! : STOP[0]!;
        const c0 = process.cpuUsage();
        let a = performance.now();
        const bitmask = await m.getNextTokenBitmask();
        masks[i] = (performance.now() - a) * 1000;
        const c1 = process.cpuUsage(c0);
        cpu[i] = c1.user + c1.system;
        starts[i] = a;
        if (m.findJumpForwardString().length > 0) forced++;
        if (!allowed(bitmask, t)) throw new WalkRejected(i, i < ids.length ? 'mask' : 'stop');
        a = performance.now();
        const ok = m.acceptToken(t);
        accepts[i] = (performance.now() - a) * 1000;
        if (!ok) throw new WalkRejected(i, i < ids.length ? 'accept' : 'stop');
      }
      if (!m.isTerminated()) throw new WalkRejected(n - 1, 'stop');
      return { masks, starts, cpu, accepts, forced, forcedBytes: forced };
    } finally {
      m.dispose();
    }
  };
  return {
    name: 'xgrammar',
    async prepare(schema) {
      const t0 = performance.now();
      const compiled = await compiler.compileJSONSchema(JSON.stringify(schema), false, -1, [',', ':'], false);
      const compileMs = performance.now() - t0;
      return { compileMs, walk: (ids) => walk(compiled, ids), dispose: () => compiled.dispose() };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Running

interface Result {
  walks: Map<string, Walk>;
  /** Compile time (ms) per schema key that compiled. */
  compileMs: Map<string, number>;
  compileFailedCases: number;
  compileFailedSchemas: number;
  /** Why compiles failed: error name (and keyword), count of schemas. */
  compileErrors: Record<string, number>;
  rejected: { mask: number; accept: number; stop: number };
  rejectedExamples: string[];
  /** Unexpected errors during a walk (not a rejection). */
  walkErrors: string[];
}

interface Slow {
  us: number;
  cpuUs: number;
  /** When the mask began (performance.now(), ms). */
  start: number;
  /** Walks the case again on the same compiled grammar (its lazily built parts now built). */
  again: () => Promise<Walk>;
  corpus: CorpusName;
  id: string;
  index: number;
  ids: number[];
}
const SLOW_N = 15;
const slowest: Slow[] = [];
function noteSlow(c: Case, w: Walk, p: Prepared) {
  for (let i = 0; i < w.masks.length; i++) {
    const us = w.masks[i]!;
    if (slowest.length === SLOW_N && us <= slowest[SLOW_N - 1]!.us) continue;
    slowest.push({ us, cpuUs: w.cpu[i]!, start: w.starts[i]!, again: () => p.walk(c.ids), corpus: c.corpus, id: c.id, index: i, ids: c.ids });
    slowest.sort((a, b) => b.us - a.us);
    if (slowest.length > SLOW_N) slowest.pop();
  }
}

function errorName(e: unknown): string {
  if (e instanceof Error) {
    const kw = (e as Error & { keyword?: unknown }).keyword;
    return typeof kw === 'string' ? `${e.name}(${kw})` : e.name;
  }
  return typeof e;
}

async function run(engine: Engine, cases: Case[]): Promise<Result> {
  const r: Result = {
    walks: new Map(),
    compileMs: new Map(),
    compileFailedCases: 0,
    compileFailedSchemas: 0,
    compileErrors: {},
    rejected: { mask: 0, accept: 0, stop: 0 },
    rejectedExamples: [],
    walkErrors: [],
  };
  const bySchema = new Map<string, Case[]>();
  for (const c of cases) {
    const group = bySchema.get(c.schemaKey);
    if (group) group.push(c);
    else bySchema.set(c.schemaKey, [c]);
  }
  for (const [key, group] of bySchema) {
    let p: Prepared;
    try {
      p = await engine.prepare(group[0]!.schema);
    } catch (e) {
      r.compileFailedSchemas++;
      r.compileFailedCases += group.length;
      const name = errorName(e);
      r.compileErrors[name] = (r.compileErrors[name] ?? 0) + 1;
      continue;
    }
    r.compileMs.set(key, p.compileMs);
    for (const c of group) {
      try {
        const w = await p.walk(c.ids);
        r.walks.set(c.id, w);
        if (engine.name === 'toolplan') noteSlow(c, w, p);
      } catch (e) {
        if (!(e instanceof WalkRejected)) {
          r.walkErrors.push(`${c.id}: ${String(e).slice(0, 160)}`);
          continue;
        }
        r.rejected[e.how]++;
        if (r.rejectedExamples.length < 8) r.rejectedExamples.push(`${c.id} @${e.step} (${e.how}): ${c.text.slice(0, 100)}`);
      }
    }
    p.dispose();
  }
  return r;
}

const WARMUP = {
  schema: {
    type: 'object',
    properties: {
      a: { type: 'string' },
      n: { type: 'integer' },
      x: { type: 'number' },
      b: { type: 'boolean' },
      e: { enum: ['north', 'south'] },
      l: { type: 'array', items: { type: 'string' } },
      o: { type: 'object', properties: { k: { type: 'string', pattern: '^[a-z]+$' } }, required: ['k'] },
    },
    required: ['a'],
  },
  text: '{"a":"hello world, it is warm","n":12,"x":-1.5e3,"b":true,"e":"south","l":["u","v w"],"o":{"k":"abc","free":null},"extra":"z"}',
};

// ---------------------------------------------------------------------------------------------
// Statistics

/** Milliseconds of GC pauses within the mask that began at `start` (performance.now(), ms) and took `us`. */
function gcOverlapMs(start: number, us: number): number {
  const end = start + us / 1000;
  let ms = 0;
  for (const g of gcPauses) ms += Math.max(0, Math.min(end, g.startTime + g.duration) - Math.max(start, g.startTime));
  return ms;
}

const quantile = (sorted: Float64Array, q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const round = (x: number, d = 1) => +x.toFixed(d);

interface Row {
  corpus: CorpusName;
  engine: EngineName;
  /** `own`: every case this engine walked; `common`: the cases every engine in the run walked. */
  subset: 'own' | 'common';
  cases: number;
  masks: number;
  p50_us: number;
  p90_us: number;
  p99_us: number;
  p999_us: number;
  max_us: number;
  over_1ms_share: number;
  /**
   * Masks over 1 ms of the engine's own work: wall time outside GC pauses over 1 ms, and process
   * CPU time over 1 ms too (not a thread descheduled by the machine).
   */
  over_1ms_own_share: number;
  compile_p50_ms: number;
  accept_p50_us: number;
  forced_share: number;
  /** Ours: forcedBytes() non-empty; XGrammar: the same as forced_share. */
  forced_bytes_share: number;
  compile_failed_cases: number;
  rejected_cases: number;
}

function row(corpus: CorpusName, engine: EngineName, subset: 'own' | 'common', r: Result, ids: string[], cases: Map<string, Case>): Row {
  const walks = ids.map((id) => r.walks.get(id)!);
  const total = walks.reduce((s, w) => s + w.masks.length, 0);
  const masks = new Float64Array(total);
  const accepts = new Float64Array(total);
  let off = 0;
  for (const w of walks) {
    masks.set(w.masks, off);
    accepts.set(w.accepts, off);
    off += w.masks.length;
  }
  masks.sort();
  accepts.sort();
  const keys = new Set(ids.map((id) => cases.get(id)!.schemaKey));
  const compiles = Float64Array.from([...keys].map((k) => r.compileMs.get(k)!)).sort();
  let over = 0;
  for (const x of masks) if (x > 1000) over++;
  let overOwn = 0;
  for (const w of walks) {
    for (let i = 0; i < w.masks.length; i++) {
      const us = w.masks[i]!;
      if (us > 1000 && w.cpu[i]! > 1000 && us - 1000 * gcOverlapMs(w.starts[i]!, us) > 1000) overOwn++;
    }
  }
  const forced = walks.reduce((s, w) => s + w.forced, 0);
  const forcedBytes = walks.reduce((s, w) => s + w.forcedBytes, 0);
  const empty = total === 0;
  return {
    corpus,
    engine,
    subset,
    cases: ids.length,
    masks: total,
    p50_us: empty ? NaN : round(quantile(masks, 0.5)),
    p90_us: empty ? NaN : round(quantile(masks, 0.9)),
    p99_us: empty ? NaN : round(quantile(masks, 0.99)),
    p999_us: empty ? NaN : round(quantile(masks, 0.999)),
    max_us: empty ? NaN : round(masks[masks.length - 1]!),
    over_1ms_share: empty ? NaN : round(over / total, 5),
    over_1ms_own_share: empty ? NaN : round(overOwn / total, 5),
    compile_p50_ms: compiles.length ? round(quantile(compiles, 0.5), 2) : NaN,
    accept_p50_us: empty ? NaN : round(quantile(accepts, 0.5)),
    forced_share: empty ? NaN : round(forced / total, 3),
    forced_bytes_share: empty ? NaN : round(forcedBytes / total, 3),
    compile_failed_cases: subset === 'own' ? r.compileFailedCases : 0,
    rejected_cases: subset === 'own' ? r.rejected.mask + r.rejected.accept + r.rejected.stop + r.walkErrors.length : 0,
  };
}

// ---------------------------------------------------------------------------------------------
// Main

const engines: Engine[] = [];
for (const name of ENGINES) engines.push(name === 'toolplan' ? toolplanEngine() : await xgrammarEngine());

// Untimed warm-up walk per engine (JIT, lazy one-time setup) on a schema no corpus has.
{
  const warm = makeCase('bfcl', 'warm-up', WARMUP.schema, WARMUP.text);
  for (const e of engines) {
    const p = await e.prepare(warm.schema);
    await p.walk(warm.ids);
    await p.walk(warm.ids);
    p.dispose();
  }
}

const rows: Row[] = [];
const skips: Record<string, unknown> = {};
const timings: Record<string, number> = {};
for (const corpus of CORPORA) {
  const info = corpus === 'bfcl' ? bfclCorpus() : jstsCorpus();
  const cases = info.cases.slice(0, LIMIT);
  const byId = new Map(cases.map((c) => [c.id, c]));
  if (byId.size !== cases.length) throw new Error(`${corpus}: case ids are not unique`);
  const results = new Map<EngineName, Result>();
  for (const e of engines) {
    const t0 = performance.now();
    results.set(e.name, await run(e, cases));
    timings[`${corpus}/${e.name}_s`] = round((performance.now() - t0) / 1000, 1);
  }
  // GC entries reach the observer only once the event loop turns (the walks never yield to it).
  await new Promise((r) => setTimeout(r, 10));
  gcPauses.push(...gcObserver.takeRecords());
  for (const [name, r] of results) {
    rows.push(row(corpus, name, 'own', r, [...r.walks.keys()], byId));
    skips[`${corpus}/${name}`] = {
      cases: cases.length,
      walked: r.walks.size,
      compile_failed_cases: r.compileFailedCases,
      compile_failed_schemas: r.compileFailedSchemas,
      compile_errors: r.compileErrors,
      rejected: r.rejected,
      walk_errors: r.walkErrors.length,
      rejected_examples: r.rejectedExamples,
      walk_error_examples: r.walkErrors.slice(0, 5),
    };
  }
  if (results.size > 1) {
    const common = cases.map((c) => c.id).filter((id) => [...results.values()].every((r) => r.walks.has(id)));
    for (const [name, r] of results) rows.push(row(corpus, name, 'common', r, common, byId));
  }
  skips[`${corpus}/corpus`] = { ...info.notes, cases: info.cases.length, used: cases.length, distinct_schemas: new Set(cases.map((c) => c.schemaKey)).size };
}

for (const r of rows) console.log(JSON.stringify(r));

const dec = new TextDecoder();
const textOf = (ids: number[]) => {
  const parts = ids.map((t) => vocab.tokens[t] ?? new Uint8Array());
  const bytes = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let off = 0;
  for (const p of parts) {
    bytes.set(p, off);
    off += p.length;
  }
  return dec.decode(bytes);
};
// Each slow case walked again on its grammar: a slow first walk with a fast second one is lazy
// construction (paid once per grammar or per vocabulary), not the steady state.
const againUs: number[] = [];
for (const s of slowest) againUs.push((await s.again()).masks[s.index]!);
await new Promise((r) => setTimeout(r, 10));
gcPauses.push(...gcObserver.takeRecords());
gcObserver.disconnect();

const cell = (s: string) => s.replaceAll('|', '\\|').replaceAll('\n', '\\n');
const slowRows = slowest.map((s, k) => {
  const prefix = textOf(s.ids.slice(0, s.index));
  const token = s.index < s.ids.length ? textOf([s.ids[s.index]!]) : '<stop>';
  return { us: round(s.us), cpu_us: round(s.cpuUs), gc_ms: round(gcOverlapMs(s.start, s.us), 2), again_us: round(againUs[k]!), corpus: s.corpus, id: s.id, token_index: s.index, tokens: s.ids.length, prefix: prefix.length > 80 ? `…${prefix.slice(-80)}` : prefix, next_token: token };
});

const wallS = round((performance.now() - runStart) / 1000, 1);
console.log(`\nQwen3 vocabulary, ${SIZE} ids, greedy tokenization; node ${process.version}; wall ${wallS} s ${JSON.stringify(timings)}`);
console.log('\n| corpus | engine | subset | cases | masks | p50 µs | p90 µs | p99 µs | p99.9 µs | max µs | >1 ms | >1 ms own work | compile p50 ms | accept p50 µs | forced (tokens) | forced (bytes) | compile-failed | rejected |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  const pct = (x: number) => `${round(x * 100, 2)}%`;
  console.log(
    `| ${r.corpus} | ${r.engine} | ${r.subset} | ${r.cases} | ${r.masks} | ${r.p50_us} | ${r.p90_us} | ${r.p99_us} | ${r.p999_us} | ${r.max_us} | ${pct(r.over_1ms_share)} (${Math.round(r.over_1ms_share * r.masks)}) | ${pct(r.over_1ms_own_share)} (${Math.round(r.over_1ms_own_share * r.masks)}) | ${r.compile_p50_ms} | ${r.accept_p50_us} | ${pct(r.forced_share)} | ${pct(r.forced_bytes_share)} | ${r.subset === 'own' ? r.compile_failed_cases : ''} | ${r.subset === 'own' ? r.rejected_cases : ''} |`,
  );
}
console.log('\nskipped and corpus counts:');
for (const [k, v] of Object.entries(skips)) console.log(`${k}: ${JSON.stringify(v)}`);
if (slowRows.length) {
  console.log(
    `\ntoolplan: ${slowRows.length} slowest masks (CPU: process CPU time over the mask; GC: time of the mask inside a GC pause; again: the same step on a second walk of the same grammar)\n\n| µs | CPU µs | GC ms | again µs | corpus | case | token | text before the token | next token |\n|---|---|---|---|---|---|---|---|---|`,
  );
  for (const s of slowRows) console.log(`| ${s.us} | ${s.cpu_us} | ${s.gc_ms} | ${s.again_us} | ${s.corpus} | ${cell(s.id)} | ${s.token_index}/${s.tokens} | \`${cell(s.prefix)}\` | \`${cell(s.next_token)}\` |`);
}
if (values.json) {
  writeFileSync(values.json, `${JSON.stringify({ node: process.version, vocabulary_size: SIZE, wall_s: wallS, timings, rows, skips, slowest: slowRows }, null, 2)}\n`);
  console.log(`\nwrote ${values.json}`);
}
process.exit(0);
