/**
 * Shared plumbing of the packaging smoke test: bounded child processes (killed as a group, so an
 * `npx` wrapper cannot leave its server behind), servers waited on by HTTP, the temp folder, and
 * the result rows the summary prints.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { serveFolder } from '../lib/static-host.ts';

export const REPO = resolve(import.meta.dirname, '../..');
export const FIXTURE_MODEL = join(REPO, 'fixtures/models/tiny-qwen3_5');
export const KEEP = process.env.SMOKE_KEEP === '1';

/** One line of the summary. `ok: 'skip'` = not run because an earlier step it needs failed. */
export interface Row {
  step: string;
  ok: boolean | 'skip';
  ms: number;
  note: string;
  /** Error output, printed under the table. */
  detail?: string;
}

export const rows: Row[] = [];
/** Extra sections printed after the table (e.g. chunk sizes). */
export const reports: string[] = [];

export class StepError extends Error {
  constructor(message: string, readonly detail?: string) {
    super(message);
  }
}

/** Runs `fn` as one row; its return value is the row's note. Returns whether it passed. */
export async function step(name: string, fn: () => Promise<string>): Promise<boolean> {
  const t0 = performance.now();
  process.stdout.write(`▶ ${name}\n`);
  try {
    const note = await fn();
    rows.push({ step: name, ok: true, ms: performance.now() - t0, note });
    process.stdout.write(`  ✓ ${note}\n`);
    return true;
  } catch (e) {
    const err = e as Error;
    const detail = e instanceof StepError ? e.detail : err.stack;
    rows.push({ step: name, ok: false, ms: performance.now() - t0, note: firstLine(err.message), ...(detail ? { detail } : {}) });
    process.stdout.write(`  ✗ ${err.message}\n`);
    return false;
  }
}

export function skip(name: string, why: string): void {
  rows.push({ step: name, ok: 'skip', ms: 0, note: why });
  process.stdout.write(`- ${name}: skipped (${why})\n`);
}

export function firstLine(s: string): string {
  return s.split('\n').find((l) => l.trim())?.trim().slice(0, 300) ?? '';
}

/** The last `n` lines that are not npm's chatter. */
export function tail(s: string, n = 25): string {
  return s
    .split('\n')
    .filter((l) => l.trim() && !/^npm (warn|notice)/.test(l))
    .slice(-n)
    .join('\n');
}

let root: string | undefined;
/** The run's temp folder (under os.tmpdir()), made on first use. */
export function tmpRoot(): string {
  return (root ??= mkdtempSync(join(tmpdir(), 'toolplan-smoke-')));
}
export function cleanTmp(): void {
  if (!root) return;
  if (KEEP) process.stdout.write(`kept ${root} (SMOKE_KEEP=1)\n`);
  else rmSync(root, { recursive: true, force: true });
}

const live = new Set<ChildProcess>();
/** Kills a child's whole process group (children are spawned detached, as group leaders). */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}
/** Last resort on exit or Ctrl-C. */
export function killAll(): void {
  for (const c of live) killGroup(c, 'SIGKILL');
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  ms: number;
}

export interface RunOptions {
  cwd: string;
  timeoutMs: number;
  env?: Record<string, string>;
}

export function run(cmd: string, args: string[], o: RunOptions): Promise<RunResult> {
  const t0 = performance.now();
  return new Promise((done) => {
    const child = spawn(cmd, args, { cwd: o.cwd, env: { ...process.env, ...o.env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d));
    child.stderr!.on('data', (d: Buffer) => (stderr += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child, 'SIGKILL');
    }, o.timeoutMs);
    const finish = (code: number | null) => {
      clearTimeout(timer);
      live.delete(child);
      done({ code, stdout, stderr, timedOut, ms: performance.now() - t0 });
    };
    child.on('error', (e) => {
      stderr += String(e);
      finish(null);
    });
    child.on('close', (code) => finish(code));
  });
}

/**
 * `npx --no -- <bin> …`: `--no` so a missing local bin is an error, never a registry download of
 * the same name; `--` so npm does not take the bin's flags (`--port`) for its own.
 */
export function npx(dir: string, args: string[], timeoutMs = 120_000, env?: Record<string, string>): Promise<RunResult> {
  return run('npx', ['--no', '--', ...args], { cwd: dir, timeoutMs, ...(env ? { env } : {}) });
}

export function show(cmd: string[]): string {
  return cmd.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
}

/** Throws a StepError with the output's tail unless the command exited 0. */
export function expectExit0(r: RunResult, cmd: string[]): void {
  const all = r.stderr + '\n' + r.stdout;
  if (r.timedOut) throw new StepError(`\`${show(cmd)}\` timed out after ${(r.ms / 1000).toFixed(0)} s`, tail(all));
  if (r.code !== 0) {
    const key = errorLines(all);
    throw new StepError(`\`${show(cmd)}\` exited ${r.code}: ${firstError(key.join('\n') || tail(all))}`, keyThenTail(all));
  }
}

/** Lines that name an error (bundlers print the cause first, then a long trace). */
export function errorLines(out: string): string[] {
  const re = /^(ERROR|Error|error)\b|^\S*Error: |Module not found|Can't resolve|✘|\[vite\].*error/;
  return [...new Set(out.split('\n').map((l) => l.trim()).filter((l) => re.test(l)))].slice(0, 12);
}

/** The error lines, then the tail: both ends of a long log. */
export function keyThenTail(out: string, n = 25): string {
  const key = errorLines(out);
  return [...key, ...(key.length ? ['…'] : []), tail(out, n)].join('\n');
}

/** The line most likely to be the error (an `Error:` line), else the last line. */
export function firstError(out: string): string {
  const lines = out.split('\n').map((l) => l.trim()).filter(Boolean);
  return (lines.find((l) => /\b\w*(Error|error)\b[:\]]|^error|✘|ERR_/.test(l)) ?? lines.at(-1) ?? '').slice(0, 300);
}

export const NPM_ENV: Record<string, string> = {
  ONNXRUNTIME_NODE_INSTALL: 'skip',
  npm_config_onnxruntime_node_install: 'skip',
  npm_config_update_notifier: 'false',
};

export async function npm(dir: string, args: string[], timeoutMs = 300_000): Promise<RunResult> {
  const r = await run('npm', args, { cwd: dir, timeoutMs, env: NPM_ENV });
  expectExit0(r, ['npm', ...args]);
  return r;
}

/** A fresh app folder: `npm init -y`, `"type": "module"`. */
export async function initApp(name: string): Promise<string> {
  const dir = join(tmpRoot(), name);
  mkdirSync(dir, { recursive: true });
  await npm(dir, ['init', '-y'], 60_000);
  const pkgPath = join(dir, 'package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as Record<string, unknown>;
  writeFileSync(pkgPath, JSON.stringify({ ...pkg, type: 'module', private: true }, null, 2));
  return dir;
}

export async function npmInstall(dir: string, specs: string[]): Promise<string> {
  const args = ['install', ...specs, '--no-audit', '--no-fund'];
  if (process.env.SMOKE_PREFER_OFFLINE === '1') args.push('--prefer-offline');
  const r = await npm(dir, args, 400_000);
  return firstLine(r.stdout.split('\n').filter((l) => /^added|^changed|^up to date/.test(l)).join('\n'));
}

export function readJson<T = Record<string, unknown>>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** `^<major>` of a package installed in the repo (e.g. `^8` for vite 8.3.8). */
export function sameMajor(pkg: string): string {
  return `^${readJson<{ version: string }>(join(REPO, 'node_modules', pkg, 'package.json')).version.split('.')[0]}`;
}

/** The tiny model as a browser app serves it: top-level json files and the q4 onnx files only. */
export function copyModel(dest: string): void {
  mkdirSync(join(dest, 'onnx'), { recursive: true });
  for (const f of readdirSync(FIXTURE_MODEL)) if (f.endsWith('.json')) cpSync(join(FIXTURE_MODEL, f), join(dest, f));
  for (const f of readdirSync(join(FIXTURE_MODEL, 'onnx'))) if (f.endsWith('_q4.onnx')) cpSync(join(FIXTURE_MODEL, 'onnx', f), join(dest, 'onnx', f));
}

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const s = createNetServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => done(port));
    });
  });
}

export interface Server {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

/** Starts a server command and waits (bounded) until `url` answers; kills it if it never does. */
export async function startServer(cmd: string, args: string[], o: { cwd: string; url: string; timeoutMs: number }): Promise<Server> {
  const child = spawn(cmd, args, { cwd: o.cwd, env: { ...process.env, NO_COLOR: '1' }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d));
  child.stderr!.on('data', (d: Buffer) => (out += d));
  const exited = new Promise<void>((r) => child.once('close', () => r()));
  const server: Server = {
    url: o.url,
    output: () => out,
    async stop() {
      killGroup(child, 'SIGTERM');
      const t = setTimeout(() => killGroup(child, 'SIGKILL'), 3000);
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      clearTimeout(t);
      live.delete(child);
    },
  };
  const deadline = Date.now() + o.timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new StepError(`\`${show([cmd, ...args])}\` exited ${child.exitCode ?? child.signalCode} before serving`, tail(out));
    try {
      const res = await fetch(o.url, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status < 500) return server;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await server.stop();
  throw new StepError(`\`${show([cmd, ...args])}\` did not answer ${o.url} within ${o.timeoutMs / 1000} s`, tail(out));
}

/** A plain static host for a folder (what a user's CDN would be): no special headers, 404 for unknown paths. */
export const serveStatic = (dir: string, port: number): Promise<Server> => serveFolder(dir, port);

export function gzipSize(file: string): number {
  return gzipSync(readFileSync(file), { level: 9 }).length;
}

export function kB(bytes: number): string {
  return `${(bytes / 1000).toFixed(1)} kB`;
}

/** Rejects after `ms` (for awaits that have no timeout of their own). */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<never>((_, fail) => (t = setTimeout(() => fail(new Error(`${what}: no answer within ${ms / 1000} s`)), ms)))]).finally(() => clearTimeout(t));
}
