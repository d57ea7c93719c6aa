/**
 * Which built files the page loads on the main thread and which only the worker loads, from a
 * static read of the build output: index.html's scripts → static imports (main, up front) →
 * dynamic imports (main, lazy); `new URL('x.js', import.meta.url)` targets not reached so far are
 * worker entries, and everything they reach is worker-side. Sizes are gzip -9.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { gzipSize, kB } from './util.ts';

/** `other`: JS in the output that no literal reference reaches (e.g. webpack's computed chunk URLs). */
export type Role = 'main' | 'main-lazy' | 'worker' | 'other';
export interface ChunkSizes {
  files: { file: string; role: Role; bytes: number; gzip: number }[];
  total: Record<Role, number>;
  wasm: { file: string; bytes: number; gzip: number }[];
}

const STATIC = /(?:^|[^\w$.])(?:import|export)\s*(?:[\w$*{}\s,]*?\s*from\s*)?["'`]([^"'`]+\.m?js)["'`]/g;
const DYNAMIC = /\bimport\(\s*["'`]([^"'`]+\.m?js)["'`]\s*\)/g;
// Vite writes `new URL(`/assets/w.js`, ``+import.meta.url)`.
const NEW_URL = /["'`]([^"'`]+\.m?js)["'`]\s*,\s*(?:(?:""|''|``)\s*\+\s*)?import\.meta\.url/g;

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

/** `workerScripts`: worker URLs (paths) the browser started, for bundlers whose worker URL is computed at run time. */
export function chunkSizes(dist: string, workerScripts: string[] = []): ChunkSizes {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const toFile = (spec: string, from: string): string | undefined => {
    const clean = spec.split(/[?#]/)[0]!;
    const p = clean.startsWith('/') ? join(dist, clean) : resolve(dirname(from), clean);
    // Vite writes worker URLs relative to the dist root in some modes: try both.
    for (const c of [p, join(dist, clean)]) if (existsSync(c) && statSync(c).isFile()) return c;
    return undefined;
  };
  const refs = (file: string, re: RegExp) => [...readFileSync(file, 'utf8').matchAll(re)].map((m) => toFile(m[1]!, file)).filter((f): f is string => !!f);
  const role = new Map<string, Role>();
  const close = (start: string[], r: Role, edges: RegExp[]) => {
    const todo = start.filter((f) => !role.has(f));
    for (const f of todo) role.set(f, r);
    while (todo.length) {
      const f = todo.pop()!;
      for (const re of edges) for (const g of refs(f, re)) if (!role.has(g)) (role.set(g, r), todo.push(g));
    }
  };
  // Minified HTML (html-webpack-plugin) drops the quotes.
  const entries = [...html.matchAll(/<(?:script[^>]*\bsrc|link[^>]*rel=["']?modulepreload["']?[^>]*\bhref)=["']?([^"'\s>]+)/g)]
    .map((m) => toFile(m[1]!, join(dist, 'index.html')))
    .filter((f): f is string => !!f);
  close(entries, 'main', [STATIC]);
  const mainFiles = [...role.keys()];
  close(mainFiles.flatMap((f) => refs(f, DYNAMIC)), 'main-lazy', [STATIC, DYNAMIC]);
  const mainSide = [...role.keys()];
  const started = workerScripts.map((w) => toFile(w, join(dist, 'index.html'))).filter((f): f is string => !!f);
  close([...mainSide.flatMap((f) => refs(f, NEW_URL)), ...started], 'worker', [STATIC, DYNAMIC, NEW_URL]);
  close(walk(dist).filter((f) => /\.m?js$/.test(f)), 'other', []);
  const files = [...role].map(([file, r]) => ({ file: relative(dist, file), role: r, bytes: statSync(file).size, gzip: gzipSize(file) }));
  const total: Record<Role, number> = { main: 0, 'main-lazy': 0, worker: 0, other: 0 };
  for (const f of files) total[f.role] += f.gzip;
  const wasm = walk(dist)
    .filter((f) => f.endsWith('.wasm'))
    .map((f) => ({ file: relative(dist, f), bytes: statSync(f).size, gzip: gzipSize(f) }));
  return { files, total, wasm };
}

export function formatSizes(title: string, s: ChunkSizes): string {
  const lines = [`${title} (gzip -9):`];
  for (const f of [...s.files].sort((a, b) => a.role.localeCompare(b.role) || b.gzip - a.gzip)) lines.push(`  ${f.role.padEnd(9)} ${kB(f.gzip).padStart(10)} gz ${kB(f.bytes).padStart(11)} raw  ${f.file}`);
  for (const w of s.wasm) lines.push(`  ${'wasm'.padEnd(9)} ${kB(w.gzip).padStart(10)} gz ${kB(w.bytes).padStart(11)} raw  ${w.file}`);
  const other = s.total.other ? `, unattributed ${kB(s.total.other)}` : '';
  lines.push(`  main thread up front ${kB(s.total.main)}, main lazy ${kB(s.total['main-lazy'])}, worker ${kB(s.total.worker)}${other} (+ wasm ${kB(s.wasm.reduce((a, w) => a + w.gzip, 0))})`);
  return lines.join('\n');
}
