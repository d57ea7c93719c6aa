/**
 * Runs the same hand-fed greedy loop as the Node tests, on onnxruntime-web's webgpu or wasm
 * execution provider, so Playwright can compare its logits with onnxruntime-node's.
 */
import * as ort from 'onnxruntime-web/webgpu';
import { handLoop } from '../../scripts/lib/hand-loop.ts';
import { QuantizedEmbedding } from '../../src/model/embedding-lookup.ts';

ort.env.wasm.wasmPaths = '/node_modules/onnxruntime-web/dist/';

export interface AdapterInfoLite {
  vendor: string;
  architecture: string;
  description: string;
  features: string[];
}

export interface ParityRun {
  ep: string;
  /** `js` where the backend lacks the embedding's operator and toolplan's lookup ran instead. */
  embed: 'session' | 'js' | 'none';
  tokens: number[];
  /** Every `stride`-th logit of each step. */
  sampled: number[][];
}

async function adapterInfo(): Promise<AdapterInfoLite | null> {
  const adapter = await navigator.gpu?.requestAdapter();
  if (!adapter) return null;
  const i = adapter.info;
  return { vendor: i.vendor, architecture: i.architecture, description: i.description, features: [...adapter.features] };
}

async function runParity(
  ep: 'webgpu' | 'wasm',
  files: { decoder: string; embed?: string },
  prompt: number[],
  steps: number,
  stride: number,
): Promise<ParityRun> {
  const opts: ort.InferenceSession.SessionOptions = { executionProviders: [ep] };
  const decoder = await ort.InferenceSession.create(files.decoder, opts);
  let embed: ort.InferenceSession | QuantizedEmbedding | undefined;
  let kind: ParityRun['embed'] = 'none';
  if (files.embed) {
    try {
      embed = await ort.InferenceSession.create(files.embed, opts);
      kind = 'session';
    } catch (e) {
      // The wasm build has no GatherBlockQuantized (q4 -OPT embedding): toolplan looks it up itself.
      if (!/GatherBlockQuantized/.test(String(e))) throw e;
      const bytes = new Uint8Array(await (await fetch(files.embed)).arrayBuffer());
      embed = QuantizedEmbedding.fromModel(ort, bytes);
      if (!embed) throw e;
      kind = 'js';
    }
  }
  try {
    const r = await handLoop({ ort, decoder, embed, prompt, steps, positions: 'consumed' });
    return {
      ep,
      embed: kind,
      tokens: r.tokens,
      sampled: r.logits.map((row) => Array.from(row.filter((_, i) => i % stride === 0))),
    };
  } finally {
    await decoder.release();
    await embed?.release();
  }
}

declare global {
  interface Window {
    parity: { adapterInfo: typeof adapterInfo; runParity: typeof runParity; crossOriginIsolated: boolean };
  }
}

window.parity = { adapterInfo, runParity, crossOriginIsolated: self.crossOriginIsolated };
document.getElementById('status')!.textContent = 'ready';
