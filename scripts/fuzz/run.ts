/**
 * The fuzzer's command line: `tsx scripts/fuzz/run.ts [--cases N] [--seconds S] [--seed K]
 * [--case SEED…] [--timeout MS] [--load-share P] [--long-share P] [--verbose]`. Exit 1 on any invalid plan, untyped error or hang.
 */
import { writeSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { runFuzz, type Finding, type Summary } from './harness.ts';
import { LONG_PROMPT_BOUND_MIB } from './long-prompt-case.ts';

function args(): { cases: number; seconds: number; seed: number; timeout: number; loadShare: number; longShare: number; caseSeeds?: number[] } {
  const a = process.argv.slice(2);
  const num = (flag: string, d: number): number => {
    const i = a.indexOf(flag);
    const v = i >= 0 ? Number(a[i + 1]) : d;
    if (!Number.isFinite(v) || v < 0) throw new Error(`${flag} needs a non-negative number`);
    return v;
  };
  const caseSeeds = a.flatMap((x, i) => (a[i - 1] === '--case' ? [Number(x)] : []));
  return {
    cases: num('--cases', 500),
    seconds: num('--seconds', 600),
    seed: num('--seed', 1),
    timeout: num('--timeout', 20_000),
    loadShare: num('--load-share', 0.012),
    longShare: num('--long-share', 0.004),
    ...(caseSeeds.length ? { caseSeeds } : {}),
  };
}

/**
 * A synchronous hang blocks the event loop, so the per-case timer never fires: a watchdog thread
 * sees the case's start time stop moving, names the case and kills the process.
 */
function watchdog(limitMs: number): (i: number, seed: number) => void {
  const shared = new Float64Array(new SharedArrayBuffer(24));
  const src = `const { workerData } = require('node:worker_threads'); const fs = require('node:fs');
    const s = new Float64Array(workerData.buf);
    setInterval(() => { if (s[0] > 0 && Date.now() - s[0] > workerData.limit) {
      fs.writeSync(2, 'HANG (event loop blocked): case #' + s[1] + ' seed ' + s[2] + '\\n'); process.kill(process.pid, 'SIGKILL'); } }, 1000).unref();`;
  new Worker(src, { eval: true, workerData: { buf: shared.buffer, limit: limitMs } }).unref();
  return (i, seed) => {
    shared[0] = Date.now();
    shared[1] = i;
    shared[2] = seed;
  };
}

const mb = (n: number): string => `${(n / 2 ** 20).toFixed(1)} MiB`;

function show(f: Finding): string {
  return [
    `--- ${f.outcome} case seed ${f.caseSeed} (${f.config}, logits ${f.policy}, abort ${f.abort})`,
    `options: ${JSON.stringify(f.options, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v))}`,
    `tools: ${JSON.stringify(f.tools, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) ?? String(f.tools)}`.slice(0, 2000),
    f.detail.split('\n').slice(0, 14).join('\n'),
  ].join('\n');
}

export function report(s: Summary, seed: number): string {
  const lines = [`fuzz: seed ${seed}, ${s.cases} cases in ${(s.ms / 1000).toFixed(1)} s`];
  for (const [k, v] of Object.entries(s.counts)) lines.push(`  ${k.padEnd(8)} ${v}`);
  lines.push('typed errors by name:');
  for (const [k, v] of Object.entries(s.typedByName).sort((a, b) => b[1] - a[1])) lines.push(`  ${k.padEnd(24)} ${String(v).padEnd(6)} e.g. --case ${s.typedSeeds[k]?.join(' ')}`);
  const d = (k: 'rss' | 'heapUsed') => `${mb(s.memStart[k])} → ${mb(s.memEnd[k])} (${s.memEnd[k] >= s.memStart[k] ? '+' : ''}${mb(s.memEnd[k] - s.memStart[k])})`;
  lines.push(`memory: rss ${d('rss')}, heapUsed ${d('heapUsed')}`);
  if (Object.keys(s.loads).length) lines.push(`loads through a faulty server, by fault (loaded/failed): ${Object.entries(s.loads).map(([k, v]) => `${k} ${v.loaded}/${v.failed}`).join(', ')}`);
  for (const m of ['tiny-qwen3', 'tiny-qwen3_5'] as const) {
    const l = s.longPrompts.filter((x) => x.model === m);
    if (!l.length) continue;
    const peaks = l.flatMap((x) => (x.peakAboveMiB === undefined ? [] : [x.peakAboveMiB]));
    lines.push(`long prompts on ${m} (real runtime): ${l.length}, ${Math.min(...l.map((x) => x.promptTokens))}–${Math.max(...l.map((x) => x.promptTokens))} tokens, prefill peak above start ${peaks.length ? `max ${Math.max(...peaks).toFixed(0)} MiB` : 'not measured'} (bound ${LONG_PROMPT_BOUND_MIB[m]} MiB)`);
  }
  lines.push(`memory trace (case: rss/heap/arrayBuffers MiB): ${s.memTrace.map((m) => `${m.at}: ${m.rss}/${m.heap}/${m.buffers}`).join(', ')}`);
  const shown = s.findings.slice(0, 8);
  for (const f of shown) lines.push(show(f));
  if (s.findings.length > shown.length) lines.push(`… and ${s.findings.length - shown.length} more (seeds: ${s.findings.slice(8).map((f) => f.caseSeed).join(' ')})`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const a = args();
  const verbose = process.argv.includes('--verbose');
  const beat = watchdog(a.timeout + 90_000);
  const s = await runFuzz({ cases: a.cases, seconds: a.seconds, seed: a.seed, caseTimeoutMs: a.timeout, loadShare: a.loadShare, longShare: a.longShare, onCase: beat, ...(a.caseSeeds ? { caseSeeds: a.caseSeeds } : {}) });
  writeSync(1, `${report(s, a.seed)}\n`);
  if (verbose) for (const [m, n] of [...s.typedMessages].sort((x, y) => y[1] - x[1])) writeSync(1, `${String(n).padStart(5)}  ${m}\n`);
  const bad = s.counts.untyped + s.counts.invalid + s.counts.hang + s.counts.memory;
  process.exit(bad > 0 ? 1 : 0);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
