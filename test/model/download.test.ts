/**
 * Downloads over real HTTP (a local server): progress, integrity, retry of a partial body, typed
 * errors, and a whole model loaded by URL. Cache Storage is covered by the browser tests.
 */
import { createHash, randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decode,
  DownloadError,
  fetchModelFile,
  IntegrityError,
  loadModel,
  ModelFileNotFoundError,
  resolveSource,
  Sampler,
  type ProgressInfo,
} from '../../src/model/index.ts';
import { modelDir } from '../../scripts/lib/fixtures.ts';

const BODY = new Uint8Array(200_000).map((_, i) => (i * 7) & 255);
// 8 MiB that barely compresses, like quantized weights.
const BIG = randomBytes(8 << 20);
const GZIPPED = gzipSync(BIG);
let server: Server;
let base: string;
const hits = new Map<string, number>();

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = req.url ?? '/';
    const n = (hits.get(path) ?? 0) + 1;
    hits.set(path, n);
    if (path === '/ok.bin') {
      res.writeHead(200, { 'content-length': BODY.length });
      res.end(BODY);
    } else if (path === '/sha.bin') {
      res.writeHead(200, { 'content-length': BODY.length, 'x-linked-etag': `"${'0'.repeat(64)}"` });
      res.end(BODY);
    } else if (path === '/flaky.bin' && n === 1) {
      // Declares the full length, sends half, then drops the connection.
      res.writeHead(200, { 'content-length': BODY.length });
      res.write(BODY.subarray(0, 100_000), () => res.destroy());
    } else if (path === '/flaky.bin' || path === '/always-partial.bin') {
      if (path === '/always-partial.bin') {
        res.writeHead(200, { 'content-length': BODY.length });
        res.write(BODY.subarray(0, 1000), () => res.destroy());
      } else {
        res.writeHead(200, { 'content-length': BODY.length });
        res.end(BODY);
      }
    } else if (path === '/spa.json' || path === '/spa-untyped.onnx') {
      // An SPA fallback: every unknown path answers 200 with the app's index.html.
      const page = '\n<!doctype html><html><body><div id="app"></div></body></html>';
      res.writeHead(200, path === '/spa.json' ? { 'content-type': 'text/html; charset=utf-8' } : {});
      res.end(page);
    } else if (path === '/big.bin') {
      res.writeHead(200, { 'content-length': BIG.length });
      res.end(BIG);
    } else if (path === '/gzipped.bin') {
      // As a compressing server sends it: Content-Length is the encoded length.
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': GZIPPED.length });
      res.end(GZIPPED);
    } else if (path === '/boom.bin') {
      res.writeHead(500);
      res.end();
    } else if (path.startsWith('/tiny/')) {
      try {
        const data = readFileSync(`${modelDir('tiny-qwen3')}/${path.slice('/tiny/'.length)}`);
        res.writeHead(200, { 'content-length': data.length });
        res.end(data);
      } catch {
        res.writeHead(404);
        res.end();
      }
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const get = (file: string, extra: Partial<Parameters<typeof fetchModelFile>[0]> = {}) =>
  fetchModelFile({ source: { kind: 'url', base }, file, name: 'test', ...extra });

describe('fetchModelFile', () => {
  it('streams with progress events shaped like Transformers.js', async () => {
    const events: ProgressInfo[] = [];
    const bytes = await get('ok.bin', { onProgress: (e) => events.push(e) });
    expect(bytes).toEqual(BODY);
    expect(events[0]).toEqual({ status: 'initiate', name: 'test', file: 'ok.bin' });
    const progress = events.filter((e) => e.status === 'progress');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toMatchObject({ loaded: BODY.length, total: BODY.length, progress: 100 });
    expect(events.at(-1)).toEqual({ status: 'done', name: 'test', file: 'ok.bin', fromCache: false });
  });

  it('an HTML page where a model file was expected (an SPA fallback) is ModelFileNotFoundError with a hint', async () => {
    for (const file of ['spa.json', 'spa-untyped.onnx']) {
      const err = await get(file).catch((e: unknown) => e);
      expect(err, file).toBeInstanceOf(ModelFileNotFoundError);
      expect((err as ModelFileNotFoundError).hint).toMatch(/HTML page/);
      expect((err as Error).message).toContain('relative path resolves against the page');
    }
  });

  it('progress: at most one event per whole percent; bytes and an estimate when only the encoded length is known', async () => {
    const events: ProgressInfo[] = [];
    await get('big.bin', { onProgress: (e) => events.push(e) });
    const p = events.filter((e) => e.status === 'progress');
    expect(p.length).toBeGreaterThan(10);
    expect(p.length).toBeLessThanOrEqual(102);
    // Each event but the closing one is in a later whole percent than the one before.
    const pct = p.slice(0, -1).map((e) => (e.status === 'progress' ? Math.floor(e.progress) : -1));
    for (let i = 1; i < pct.length; i++) expect(pct[i]).toBeGreaterThan(pct[i - 1]!);
    const enc: ProgressInfo[] = [];
    const bytes = await get('gzipped.bin', { onProgress: (e) => enc.push(e) });
    expect(bytes.length).toBe(BIG.length);
    const q = enc.filter((e) => e.status === 'progress');
    const mid = q.filter((e) => e.status === 'progress' && e.estimated === true);
    expect(mid.length).toBeGreaterThan(10);
    for (const e of mid) expect(e.status === 'progress' && e.progress > 0 && e.progress <= 99 && e.total === GZIPPED.length).toBe(true);
    expect(q.at(-1)).toEqual({ status: 'progress', name: 'test', file: 'gzipped.bin', progress: 100, loaded: BIG.length, total: BIG.length });
  });

  it('checks the sha256 given by the caller or by the Hub header', async () => {
    const good = createHash('sha256').update(BODY).digest('hex');
    await expect(get('ok.bin', { sha256: good })).resolves.toEqual(BODY);
    await expect(get('ok.bin', { sha256: 'f'.repeat(64) })).rejects.toBeInstanceOf(IntegrityError);
    await expect(get('sha.bin')).rejects.toBeInstanceOf(IntegrityError);
  });

  it('retries a download that broke mid-way, and never returns a partial file', async () => {
    const warnings: ProgressInfo[] = [];
    await expect(get('flaky.bin', { onProgress: (e) => e.status === 'warning' && warnings.push(e) })).resolves.toEqual(BODY);
    expect(hits.get('/flaky.bin')).toBe(2);
    expect(warnings).toHaveLength(1);
    const err = await get('always-partial.bin').catch((e: unknown) => e);
    expect(err instanceof DownloadError || err instanceof IntegrityError).toBe(true);
  });

  it('gives typed errors for 404, server errors, an unreachable host and abort', async () => {
    await expect(get('missing.bin')).rejects.toBeInstanceOf(ModelFileNotFoundError);
    await expect(get('boom.bin')).rejects.toThrow(/HTTP 500/);
    await expect(fetchModelFile({ source: { kind: 'url', base: 'http://127.0.0.1:9/' }, file: 'x', name: 'n' })).rejects.toBeInstanceOf(DownloadError);
    const ac = new AbortController();
    ac.abort();
    await expect(get('ok.bin', { signal: ac.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('resolveSource', () => {
  it('maps hub ids, URLs and folders', () => {
    expect(resolveSource('onnx-community/Qwen3.5-0.8B-ONNX-OPT', { node: true })).toEqual({
      kind: 'url',
      base: 'https://huggingface.co/onnx-community/Qwen3.5-0.8B-ONNX-OPT/resolve/main/',
    });
    expect(resolveSource('a/b', { node: false, revision: 'v1', hubHost: 'https://hf-mirror.com/' })).toEqual({
      kind: 'url',
      base: 'https://hf-mirror.com/a/b/resolve/v1/',
    });
    expect(resolveSource('https://x.test/m', { node: true })).toEqual({ kind: 'url', base: 'https://x.test/m/' });
    expect(resolveSource('./models/m/', { node: true })).toEqual({ kind: 'dir', path: './models/m' });
  });
});

describe('loadModel by URL', () => {
  it('loads a whole model over HTTP and generates the same tokens as from its folder', async () => {
    const byUrl = await loadModel(`${base}tiny/`, { dtype: 'q4' });
    const byDir = await loadModel(modelDir('tiny-qwen3'), { dtype: 'q4' });
    try {
      const prompt = byUrl.tokenizer.encode('hello world');
      const gen = async (m: typeof byUrl) => {
        const out: number[] = [];
        const it = decode(m.lm, prompt, { sampler: new Sampler(), maxNewTokens: 8, stopTokens: [] });
        for (let r = await it.next(); !r.done; r = await it.next()) out.push(r.value.token);
        return out;
      };
      expect(await gen(byUrl)).toEqual(await gen(byDir));
    } finally {
      await byUrl.dispose();
      await byDir.dispose();
    }
  });

  it('a missing model file is a typed error', async () => {
    await expect(loadModel(`${base}tiny/`, { dtype: 'fp16' })).rejects.toBeInstanceOf(ModelFileNotFoundError);
  });
});

describe('loads that never end', () => {
  let slow: Server;
  let slowBase: string;
  beforeAll(async () => {
    slow = createServer((req, res) => {
      if (req.url === '/stall.bin') {
        res.writeHead(200, { 'content-length': 1000 });
        res.write(new Uint8Array(10)); // then nothing, forever
      } else if (req.url === '/drip.bin') {
        res.writeHead(200, { 'content-length': 1 << 20 });
        const t = setInterval(() => res.write(new Uint8Array(16)), 20);
        res.on('close', () => clearInterval(t));
      } else if (req.url === '/no-headers.bin') {
        // never answers
      }
    });
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    slowBase = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/`;
  });
  afterAll(() => {
    slow.closeAllConnections();
    return new Promise<void>((r) => slow.close(() => r()));
  });
  const slowGet = (file: string, extra: Partial<Parameters<typeof fetchModelFile>[0]> = {}) =>
    fetchModelFile({ source: { kind: 'url', base: slowBase }, file, name: 'slow', stallTimeoutMs: 300, ...extra });

  it('a server that stalls, drips or never answers fails with DownloadError within the stall timeout (retried once)', async () => {
    for (const file of ['stall.bin', 'drip.bin', 'no-headers.bin']) {
      const t0 = Date.now();
      const err = await slowGet(file).catch((e: unknown) => e);
      expect(err, file).toBeInstanceOf(DownloadError);
      expect((err as Error).message).toMatch(/stalled/);
      expect(Date.now() - t0).toBeLessThan(5000);
    }
  });

  it('a signal cancels a stalled download and a whole load at once, with its reason', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(new DOMException('user left', 'AbortError')), 100);
    const t0 = Date.now();
    await expect(slowGet('stall.bin', { signal: ac.signal, stallTimeoutMs: 60_000 })).rejects.toMatchObject({ name: 'AbortError', message: 'user left' });
    expect(Date.now() - t0).toBeLessThan(2000);
    const ac2 = new AbortController();
    setTimeout(() => ac2.abort(), 100);
    await expect(loadModel(`${slowBase}`, { signal: ac2.signal, stallTimeoutMs: 60_000 })).rejects.toMatchObject({ name: 'AbortError' });
  });
});
