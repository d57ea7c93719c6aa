/**
 * The default dtype per device: q8 on WASM when the repo has its `_quantized` graphs, else the
 * present default (q4); an explicit dtype exactly; Node's CPU and WebGPU defaults unchanged; the
 * repo's `device_config` as Transformers.js reads it. A q8 graph tried and not found leaves no
 * progress event behind (local folder and over HTTP).
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel, type LoadModelOptions, type OrtModule, type ProgressInfo } from '../../src/model/index.ts';
import { dtypeCandidates } from '../../src/model/dtype-choice.ts';
import type { ModelConfig } from '../../src/model/model-files.ts';
import { modelDir } from '../../scripts/lib/fixtures.ts';

const OPT = modelDir('tiny-qwen3_5-opt');
let web: OrtModule;
let tmp: string;
/** tiny-qwen3_5-opt without its q8 graphs (files linked, not copied). */
let noQ8: string;
/** tiny-qwen3_5-opt whose config.json states fp32 for wasm in device_config. */
let deviceConfig: string;
let server: Server;
let base: string;

function linkRepo(dir: string, keep: (file: string) => boolean): void {
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  for (const f of readdirSync(OPT)) if (f !== 'onnx') symlinkSync(join(OPT, f), join(dir, f));
  for (const f of readdirSync(join(OPT, 'onnx'))) if (keep(f)) symlinkSync(join(OPT, 'onnx', f), join(dir, 'onnx', f));
}

beforeAll(async () => {
  web = (await import('onnxruntime-web')) as unknown as OrtModule;
  tmp = mkdtempSync(join(tmpdir(), 'toolplan-q8-'));
  noQ8 = join(tmp, 'no-q8');
  linkRepo(noQ8, (f) => !f.includes('_quantized'));
  deviceConfig = join(tmp, 'device-config');
  linkRepo(deviceConfig, () => true);
  rmSync(join(deviceConfig, 'config.json'));
  const config = JSON.parse(readFileSync(join(OPT, 'config.json'), 'utf8')) as ModelConfig;
  config['transformers.js_config'] = { device_config: { wasm: { dtype: 'fp32' } } };
  writeFileSync(join(deviceConfig, 'config.json'), JSON.stringify(config));
  // A static host for noQ8: 404 for what it lacks, as the Hub answers; under /offline/ the q8 files
  // drop the connection, as a fetch does offline (the q4 ones stand for what the cache would hold).
  server = createServer((req, res) => {
    if (req.url!.startsWith('/offline/') && req.url!.includes('_quantized')) return void req.socket.destroy();
    req.url = req.url!.replace(/^\/offline\//, '/');
    try {
      const body = readFileSync(join(noQ8, decodeURIComponent(new URL(req.url!, 'http://x').pathname)));
      res.writeHead(200, { 'content-length': body.byteLength }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/`;
});
afterAll(async () => {
  await new Promise((r) => server?.close(r));
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** Loads, records progress events, disposes; what was chosen. */
async function load(model: string, options: LoadModelOptions) {
  const events: ProgressInfo[] = [];
  const m = await loadModel(model, { ...options, onProgress: (e) => events.push(e) });
  const r = { device: m.device, dtype: m.dtype, reason: m.reason, inputs: m.lm.sessions.decoder.inputNames, events };
  await m.dispose();
  return r;
}

const files = (events: ProgressInfo[], status: ProgressInfo['status']) => events.flatMap((e) => (e.status === status && 'file' in e ? [e.file] : []));
const graphs = (events: ProgressInfo[]) => files(events, 'done').filter((f) => f.endsWith('.onnx'));

describe('the default dtype on WASM', () => {
  it('is q8 when the repo has its _quantized graphs, and the reason says why', async () => {
    const r = await load(OPT, { ort: web, device: 'wasm' });
    expect([r.device, r.dtype]).toEqual(['wasm', 'q8']);
    expect(graphs(r.events)).toEqual(['onnx/decoder_model_merged_quantized.onnx', 'onnx/embed_tokens_quantized.onnx']);
    expect(r.reason).toMatch(/; q8: the WASM default, as in Transformers\.js/);
    // The q8 embedding is a plain Gather + DequantizeLinear: wasm runs it, no JavaScript lookup.
    expect(r.reason).not.toMatch(/JavaScript/);
  });

  it('stays q4 (the repo’s default) when the repo lacks them, with no event for the files tried', async () => {
    const r = await load(noQ8, { ort: web, device: 'wasm' });
    expect([r.device, r.dtype]).toEqual(['wasm', 'q4']);
    expect(graphs(r.events)).toEqual(['onnx/decoder_model_merged_q4.onnx', 'onnx/embed_tokens_q4.onnx']);
    expect(r.reason).toMatch(/; q4: no onnx\/decoder_model_merged_quantized\.onnx \/ onnx\/embed_tokens_quantized\.onnx \(q8, the WASM default\) in the repo or reachable$/);
    expect(r.events.filter((e) => 'file' in e && e.file.includes('_quantized'))).toEqual([]);
    expect(files(r.events, 'initiate')).toEqual(files(r.events, 'done'));
  });

  it('over HTTP too: the 404 for q8 leaves no initiate without its done', async () => {
    const r = await load(base, { ort: web, device: 'wasm', useCache: false });
    expect(r.dtype).toBe('q4');
    expect(r.events.filter((e) => 'file' in e && e.file.includes('_quantized'))).toEqual([]);
    expect(files(r.events, 'initiate')).toEqual(files(r.events, 'done'));
    expect(r.events.some((e) => e.status === 'warning')).toBe(false);
  });

  it('offline (q8 unreachable before it answers): q4, with no event or retry for the q8 files', async () => {
    const r = await load(`${base}offline/`, { ort: web, device: 'wasm', useCache: false });
    expect(r.dtype).toBe('q4');
    expect(r.events.filter((e) => 'file' in e && e.file.includes('_quantized'))).toEqual([]);
    expect(files(r.events, 'initiate')).toEqual(files(r.events, 'done'));
  });

  it('an explicit dtype is loaded exactly: q4 on wasm, with nothing tried first', async () => {
    const r = await load(OPT, { ort: web, device: 'wasm', dtype: 'q4' });
    expect(r.dtype).toBe('q4');
    expect(graphs(r.events)).toEqual(['onnx/decoder_model_merged_q4.onnx', 'onnx/embed_tokens_q4.onnx']);
    expect(r.reason).not.toMatch(/q8/);
  });

  it('the repo’s device_config.wasm.dtype wins, as in Transformers.js', async () => {
    const r = await load(deviceConfig, { ort: web, device: 'wasm' });
    expect(r.dtype).toBe('fp32');
    expect(graphs(r.events)).toEqual(['onnx/decoder_model_merged.onnx', 'onnx/embed_tokens.onnx']);
    expect(r.reason).toMatch(/fp32: the repo's transformers\.js_config\.device_config\.wasm\.dtype/);
  });
});

describe('other devices keep their defaults', () => {
  it('Node’s CPU (onnxruntime-node) stays q4 though the repo has q8', async () => {
    const m = await loadModel(OPT);
    try {
      expect([m.device, m.dtype, m.reason]).toEqual(['cpu', 'q4', 'Node: onnxruntime-node on the CPU']);
    } finally {
      await m.dispose();
    }
  });

  it('WebGPU: the repo’s dtype, else q4; q8 only where the repo states it for webgpu', () => {
    const config = JSON.parse(readFileSync(join(OPT, 'config.json'), 'utf8')) as ModelConfig;
    expect(dtypeCandidates(config, 'decoder_model_merged', undefined, 'webgpu')).toEqual([{ dtype: 'q4', ifPresent: false, rule: 'default' }]);
    const stated: ModelConfig = { ...config, 'transformers.js_config': { dtype: 'q4f16' } };
    expect(dtypeCandidates(stated, 'decoder_model_merged', undefined, 'webgpu').map((c) => c.dtype)).toEqual(['q4f16']);
    // On wasm the same repo tries q8 first, then its own dtype.
    expect(dtypeCandidates(stated, 'decoder_model_merged', undefined, 'wasm').map((c) => c.dtype)).toEqual(['q8', 'q4f16']);
    const perDevice: ModelConfig = { ...config, 'transformers.js_config': { dtype: 'q4', device_config: { webgpu: { dtype: { decoder_model_merged: 'q4f16' } } } } };
    expect(dtypeCandidates(perDevice, 'decoder_model_merged', undefined, 'webgpu').map((c) => c.dtype)).toEqual(['q4f16']);
    expect(dtypeCandidates(perDevice, 'embed_tokens', undefined, 'webgpu').map((c) => c.dtype)).toEqual(['q4']);
  });
});
