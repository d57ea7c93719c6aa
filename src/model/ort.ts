/**
 * Which onnxruntime flavour runs the model. The loop code is the same for all three: it only uses
 * the `onnxruntime-common` surface (InferenceSession, Tensor, env).
 */
import type { Env, InferenceSession, Tensor } from 'onnxruntime-common';
import { importOrtNode } from './node-io.ts';

/** The part of an onnxruntime module (`onnxruntime-web`, `onnxruntime-node`) the runtime uses. */
export interface OrtModule {
  InferenceSession: typeof InferenceSession;
  Tensor: typeof Tensor;
  env: Env;
}

/** Is this Node (or Deno/Bun with Node APIs) rather than a browser or worker? */
export function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string' && typeof (globalThis as { window?: unknown }).window === 'undefined';
}

/**
 * Imports onnxruntime for this environment: `onnxruntime-node` in Node (CPU), otherwise the
 * WebGPU build of `onnxruntime-web` (which also carries the WASM backend).
 */
export async function loadOrt(): Promise<OrtModule> {
  if (isNode()) return importOrtNode();
  return (await import('onnxruntime-web/webgpu')) as unknown as OrtModule;
}
