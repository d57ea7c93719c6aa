/**
 * Creating onnxruntime sessions on the best device available: WebGPU, else WASM (browser), or the
 * CPU (Node). The choice and the reason for it are reported.
 */
import type { InferenceSession } from 'onnxruntime-common';
import { BackendError, UnsupportedOperatorError } from './errors.ts';
import { isNode, type OrtModule } from './ort.ts';

/** Requested device: `auto` (default) tries WebGPU and falls back to WASM; the others are strict. */
export type DeviceRequest = 'auto' | 'webgpu' | 'wasm' | 'cpu';
/** Device a model actually runs on. */
export type Device = 'webgpu' | 'wasm' | 'cpu';

export interface DeviceChoice {
  device: Device;
  /** Why this device (e.g. "WebGPU adapter lacks shader-f16 (needed by q4f16)"). */
  reason: string;
}

/** Where a session's model comes from: bytes (+ external data chunks) or a local path (Node). */
export type ModelBytes =
  | { kind: 'bytes'; data: Uint8Array; externalData: { path: string; data: Uint8Array }[] }
  | { kind: 'path'; path: string };

/** First choice of device before any session exists: what the environment can offer. */
function isSoftwareAdapter(adapter: GPUAdapter): boolean {
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  return info.isFallbackAdapter === true || /swiftshader/i.test(`${info.architecture} ${info.description}`);
}

/**
 * `webInNode`: the module is onnxruntime-web running in Node, whose WASM backend may then be asked
 * for by name (as tests and benchmarks of the browser path do).
 */
export async function probeDevice(request: DeviceRequest, needsF16: boolean, dtype: string, webInNode = false): Promise<DeviceChoice> {
  if (isNode()) {
    // onnxruntime-node's own WebGPU execution provider (Dawn): a GPU path without a browser.
    if (request === 'webgpu') return { device: 'webgpu', reason: "requested: onnxruntime-node's WebGPU execution provider" };
    if (request === 'wasm' && webInNode) return { device: 'wasm', reason: "requested: onnxruntime-web's WASM backend in Node" };
    if (request === 'wasm') throw new BackendError(`device "${request}" is not available in Node with onnxruntime-node; use "cpu" or "webgpu" (or pass onnxruntime-web as \`ort\`)`);
    return { device: 'cpu', reason: 'Node: onnxruntime-node on the CPU' };
  }
  if (request === 'cpu') throw new BackendError('device "cpu" is only available in Node; use "wasm"');
  if (request === 'wasm') return { device: 'wasm', reason: 'requested' };
  const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  const fallback = (why: string): DeviceChoice => {
    if (request === 'webgpu') throw new BackendError(`WebGPU was requested but ${why}`);
    return { device: 'wasm', reason: `fell back to WASM: ${why}` };
  };
  if (!gpu) return fallback('this browser has no WebGPU (navigator.gpu)');
  let adapter: GPUAdapter | null = null;
  try {
    adapter = await gpu.requestAdapter();
  } catch (e) {
    return fallback(`requestAdapter failed: ${(e as Error).message}`);
  }
  if (!adapter) return fallback('no WebGPU adapter');
  // A software adapter (SwiftShader) runs on the CPU, seconds a step: WASM is faster. Asked for
  // explicitly, WebGPU is still used.
  if (request === 'auto' && isSoftwareAdapter(adapter)) return fallback(`the only WebGPU adapter is a software renderer (${adapter.info.architecture || adapter.info.description || 'fallback adapter'})`);
  if (needsF16 && !adapter.features.has('shader-f16')) return fallback(`the WebGPU adapter lacks shader-f16 (needed by ${dtype})`);
  return { device: 'webgpu', reason: request === 'webgpu' ? 'requested' : 'WebGPU adapter available' };
}

function sessionOptions(device: Device): InferenceSession.SessionOptions {
  const o: InferenceSession.SessionOptions = { executionProviders: [device], graphOptimizationLevel: 'all' };
  // On WebGPU every output stays in a GPU buffer: the cache (and embeddings) are fed straight back;
  // only the last logits row is read back, by the runtime.
  if (device === 'webgpu') o.preferredOutputLocation = 'gpu-buffer';
  // onnxruntime-node's CPU arena keeps every chunk it grew to (a prefill's activations, ~140 MiB at
  // the real size after 16 steps) for the life of the session; without it the memory goes back and
  // a step costs the same (123 vs 126 ms on the full-size stand-in). WASM memory never shrinks: kept.
  if (device === 'cpu') o.enableCpuMemArena = false;
  return o;
}

// onnxruntime's message when no execution provider (not even its CPU fallback) has a kernel.
const NO_KERNEL = /Could not find an implementation for (\w+)\(\d+\) node/;

/**
 * A session for `model` (the graph file `file`) on `device`.
 * @throws {UnsupportedOperatorError} the backend has no kernel for one of the graph's operators
 */
export async function createSession(ort: OrtModule, model: ModelBytes, device: Device, file = 'the model'): Promise<InferenceSession> {
  const o = sessionOptions(device);
  try {
    if (model.kind === 'path') return await ort.InferenceSession.create(model.path, o);
    return await ort.InferenceSession.create(model.data, model.externalData.length > 0 ? { ...o, externalData: model.externalData } : o);
  } catch (e) {
    const op = NO_KERNEL.exec(e instanceof Error ? e.message : String(e))?.[1];
    if (op) throw new UnsupportedOperatorError(op, device, file, undefined, { cause: e });
    throw e;
  }
}
