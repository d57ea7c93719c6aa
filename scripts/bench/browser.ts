/**
 * `npm run bench`: the browser benchmark. Serves e2e/bench/bench.html with Vite, drives Chromium
 * (playwright-core) and, per backend the browser offers, records the adapter, model load cold and
 * warm, prefill / decode tok/s unconstrained vs constrained vs jump-forward, the grammar's first
 * mask over 5 / 50 / 500 tools and peak JS heap. Writes bench-results/<date>-<adapter>.{json,md,svg},
 * the JSON checked against e2e/bench/result.schema.json.
 *
 *   npm run bench -- [--quick] [--readme] [--model <URL | hub id>] [--backends webgpu,wasm] [--dtype q4|q8] [--browser-path /usr/bin/chromium] [--runs 3] [--tokens 64]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { chromium } from 'playwright-core';
import { createServer } from 'vite';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../playwright.config.ts';
import { barChart } from './chart.ts';
import { writeReadmeSection } from '../lib/readme-section.ts';
import { ratio } from '../../src/eval/stats.ts';

const { values: a } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    model: { type: 'string' },
    backends: { type: 'string', default: 'webgpu,wasm' },
    // One dtype for every backend of a run (q4 by default, as the table compares GPUs at q4).
    dtype: { type: 'string', default: 'q4' },
    'browser-path': { type: 'string', default: CHROMIUM_PATH },
    runs: { type: 'string' },
    tokens: { type: 'string' },
    out: { type: 'string', default: 'bench-results' },
    port: { type: 'string', default: '5179' },
    readme: { type: 'boolean', default: false },
  },
});
if (a.dtype !== 'q4' && a.dtype !== 'q8') throw new Error(`--dtype must be q4 or q8, not ${a.dtype}`);
const dtype: 'q4' | 'q8' = a.dtype;
const root = resolve(import.meta.dirname, '../..');
const port = Number(a.port);
const server = await createServer({
  configFile: join(root, 'vite.config.ts'),
  root,
  logLevel: 'warn',
  server: { port, strictPort: true, host: '127.0.0.1' },
  // Pre-bundled up front: a dependency discovered mid-run makes Vite reload the page.
  optimizeDeps: { include: ['@huggingface/transformers', '@mlc-ai/web-xgrammar'] },
});
await server.listen();
const origin = `http://127.0.0.1:${port}`;
const model = a.model ?? `${origin}/fixtures/models/tiny-qwen3`;
const browser = await chromium.launch({ executablePath: a['browser-path'], args: CHROMIUM_ARGS });
interface ModeRow {
  mode: string;
  decode_tok_s: number;
  forward_passes: number;
  tokens: number;
}
interface GrammarRow {
  tools: number;
  first_mask_ms: number;
}
type Result = Record<string, unknown> & {
  requested: string;
  device: string;
  adapter: { vendor: string; architecture: string; description: string } | null;
  modes: ModeRow[];
  transformers_js: ModeRow | { mode: string; error: string };
  grammar: GrammarRow[];
  xgrammar: GrammarRow[] | { error: string };
};
const backends: Result[] = [];
try {
  const page = await browser.newPage();
  page.on('console', (m) => m.type() === 'error' && console.error(`[page] ${m.text()}`));
  await page.goto(`${origin}/e2e/bench/bench.html`);
  await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready', undefined, { timeout: 120_000 });
  for (const backend of a.backends!.split(',') as ('webgpu' | 'wasm')[]) {
    // SwiftShader WebGPU takes seconds a pass: --quick keeps it to a few tokens and no warm-up.
    const slow = backend === 'webgpu' && a.quick;
    const config = {
      model,
      device: backend,
      tokens: Number(a.tokens ?? (slow ? 4 : a.quick ? 24 : 64)),
      runs: Number(a.runs ?? (a.quick ? 1 : 3)),
      warmup: slow ? 0 : 1,
      toolCounts: [5, 50, 500],
      xgrammarToolCounts: a.quick ? [5, 50] : [5, 50, 500],
      dtype,
      // SwiftShader WebGPU in --quick: one query of the suite.
      ...(slow ? { queries: 1, firstStep: false } : {}),
    };
    const t0 = performance.now();
    const r = (await page.evaluate((c) => window.bench.run(c), config)) as unknown as Result;
    backends.push({ ...r, requested: backend });
    const gpu = r.adapter ? ` on ${[r.adapter.vendor, r.adapter.architecture, r.adapter.description].filter(Boolean).join(' / ')}` : '';
    console.error(`${backend}: ran on ${r.device}${gpu} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
} finally {
  await browser.close();
  await server.close();
}

const decode = (b: Result, m: string) => b.modes.find((x) => x.mode === m);
const ratios: Record<string, number | null> = {};
for (const b of backends) {
  ratios[`${b.requested}: constrained / unconstrained decode`] = ratio(decode(b, 'constrained')?.decode_tok_s, decode(b, 'unconstrained')?.decode_tok_s);
  const jf = decode(b, 'constrained + jump-forward');
  ratios[`${b.requested}: forward passes / tokens with jump-forward`] = ratio(jf?.forward_passes, jf?.tokens);
  const tjs = b.transformers_js;
  ratios[`${b.requested}: ours / transformers.js decode (unconstrained)`] = 'error' in tjs ? null : ratio(decode(b, 'unconstrained')?.decode_tok_s, tjs.decode_tok_s);
  if (Array.isArray(b.xgrammar)) {
    for (const g of b.grammar) ratios[`${b.requested}: xgrammar / toolplan first mask, ${g.tools} tools`] = ratio(b.xgrammar.find((x) => x.tools === g.tools)?.first_mask_ms, g.first_mask_ms);
  }
}
const wg = backends.find((b) => b.requested === 'webgpu');
const wa = backends.find((b) => b.requested === 'wasm');
if (wg && wa) ratios['webgpu / wasm decode (unconstrained)'] = ratio(decode(wg, 'unconstrained')?.decode_tok_s, decode(wa, 'unconstrained')?.decode_tok_s);
const result = { date: new Date().toISOString(), browser: browser.version(), model, dtype, quick: a.quick, backends, ratios };

const ajv = new Ajv2020({ strict: true, allErrors: true });
(addFormats as unknown as (x: Ajv2020) => void)(ajv);
const validate = ajv.compile(JSON.parse(readFileSync(join(root, 'e2e/bench/result.schema.json'), 'utf8')) as object);
if (!validate(result)) throw new Error(`benchmark result does not match e2e/bench/result.schema.json: ${ajv.errorsText(validate.errors)}`);

const adapterName = (wg?.adapter ? `${wg.adapter.vendor}-${wg.adapter.architecture}` : 'no-webgpu').replace(/[^A-Za-z0-9_-]+/g, '_') || 'unknown';
const base = join(root, a.out!, `${result.date.slice(0, 10)}-${adapterName}`);
mkdirSync(join(root, a.out!), { recursive: true });
writeFileSync(`${base}.json`, JSON.stringify(result, null, 2));
const f = (x: unknown) => (typeof x === 'number' ? x.toFixed(1) : '–');
const md = [
  `# toolplan browser benchmark — ${result.date}`,
  '',
  `Chromium ${result.browser}; model ${model}${a.quick ? '; --quick' : ''}; decode figures are medians over ${backends.map((b) => `${b.queries} quer${b.queries === 1 ? 'y' : 'ies'} on ${b.requested}`).join(', ')} × runs.`,
  '',
  ...backends.map((b) => `- ${b.requested}: time to first plan step ${typeof b.time_to_first_step_ms === 'number' ? `${b.time_to_first_step_ms.toFixed(0)} ms` : 'not measured'}`),
  '',
  '| backend | device | adapter | load cold ms | load warm ms | mode | prefill tok/s | decode tok/s | ttft ms | tokens | passes |',
  '|---|---|---|---|---|---|---|---|---|---|---|',
  ...backends.flatMap((b) =>
    [...b.modes, ...('error' in b.transformers_js ? [] : [b.transformers_js])].map((m) => {
      const x = m as unknown as Record<string, number>;
      const ad = b.adapter ? [b.adapter.vendor, b.adapter.architecture].filter(Boolean).join(' ') : '–';
      return `| ${b.requested} | ${b.device} | ${ad} | ${f(b.load_cold_ms)} | ${f(b.load_warm_ms)} | ${m.mode} | ${f(x.prefill_tok_s)} | ${f(x.decode_tok_s)} | ${f(x.ttft_ms)} | ${f(x.tokens)} | ${f(x.forward_passes)} |`;
    }),
  ),
  '',
  ...backends.filter((b) => 'error' in b.transformers_js).map((b) => `Transformers.js on ${b.requested}: ${(b.transformers_js as { error: string }).error}\n`),
  '| backend | tools | toolplan first mask ms (compile + mask) | XGrammar first mask ms | peak JS heap MB |',
  '|---|---|---|---|---|',
  ...backends.flatMap((b) =>
    b.grammar.map((g) => `| ${b.requested} | ${g.tools} | ${f(g.first_mask_ms)} | ${Array.isArray(b.xgrammar) ? f(b.xgrammar.find((x) => x.tools === g.tools)?.first_mask_ms) : b.xgrammar.error} | ${f(b.peak_js_heap_mb)} |`),
  ),
  '',
  ...Object.entries(ratios).map(([k, v]) => `- ${k}: ${v ?? '–'}`),
  '',
].join('\n');
writeFileSync(`${base}.md`, md);
const bars = backends.flatMap((b) => [...b.modes, ...('error' in b.transformers_js ? [] : [b.transformers_js])].map((m) => ({ group: b.requested, label: m.mode, value: m.decode_tok_s })));
writeFileSync(`${base}.svg`, barChart(`decode tok/s · ${model.split('/').filter(Boolean).slice(-1)[0]}`, 'tok/s', bars));
console.log(md);
if (a.readme) {
  // README's Performance section holds the latest run between these markers.
  const body = md.split('\n').slice(2).join('\n').trim();
  writeReadmeSection(join(root, 'README.md'), 'bench', `_Generated by \`npm run bench -- ${a.quick ? '--quick ' : ''}--readme\` on ${result.date.slice(0, 16).replace('T', ' ')} UTC._\n\n${body}\n`);
  console.error('updated the Performance section of README.md');
}
console.error(`wrote ${base}.{json,md,svg}`);
