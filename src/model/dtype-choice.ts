/**
 * Which dtype a graph loads in when the caller names none, per device. Transformers.js's rules
 * where the repo states a per-device dtype (`transformers.js_config.device_config[device].dtype`
 * wins); on WASM, q8 first when the repo has it — its MatMulInteger runs a 1024×32768 projection in
 * 12 ms on wasm where q4's MatMulNBits takes 223 ms (`npm run bench:matmul`), which is why
 * Transformers.js defaults to q8 there. Otherwise the repo's `dtype`, else q4.
 *
 * Unlike Transformers.js, q8 on WASM comes before the repo's top-level `dtype`: onnx-community
 * repos write that one for WebGPU (q4, q4f16), where it is the fast choice.
 */
import { deviceConfigDtype, dtypeFor, graphFile, type ModelConfig } from './model-files.ts';
import type { Device } from './sessions.ts';
import type { ModelDtype } from './source.ts';

/** Why a graph has its dtype. */
export type DtypeRule =
  /** The caller's `dtype`, or the repo's `dtype` / q4 where nothing else applies (nothing to say). */
  | 'default'
  /** `transformers.js_config.device_config[device].dtype`. */
  | 'device-config'
  /** q8 on WASM, found in the repo. */
  | 'wasm-q8'
  /** q8 on WASM was tried, but the repo lacks its file (or it could not be reached: offline). */
  | 'no-q8';

/** One dtype to try for a graph. */
export interface DtypeCandidate {
  dtype: ModelDtype;
  /** Only if its graph file exists; otherwise the next candidate is taken. */
  ifPresent: boolean;
  rule: DtypeRule;
}

/** The dtypes to try for graph `base` on `device`, in order; the last one is always loaded. */
export function dtypeCandidates(config: ModelConfig, base: string, requested: ModelDtype | undefined, device: Device): DtypeCandidate[] {
  if (requested) return [{ dtype: requested, ifPresent: false, rule: 'default' }];
  const perDevice = deviceConfigDtype(config, base, device);
  if (perDevice) return [{ dtype: perDevice, ifPresent: false, rule: 'device-config' }];
  const fallback = dtypeFor(config, base, undefined);
  if (device !== 'wasm' || fallback === 'q8') return [{ dtype: fallback, ifPresent: false, rule: 'default' }];
  return [
    { dtype: 'q8', ifPresent: true, rule: 'wasm-q8' },
    { dtype: fallback, ifPresent: false, rule: 'no-q8' },
  ];
}

/** The dtype a graph was loaded in, and by which rule. */
export interface GraphDtype {
  base: string;
  dtype: ModelDtype;
  rule: DtypeRule;
}

function because(rule: DtypeRule, graphs: readonly GraphDtype[], device: Device): string {
  switch (rule) {
    case 'default':
      return '';
    case 'device-config':
      return `the repo's transformers.js_config.device_config.${device}.dtype`;
    case 'wasm-q8':
      return 'the WASM default, as in Transformers.js (MatMulInteger runs ~18× faster there than q4 MatMulNBits)';
    case 'no-q8':
      return `no ${graphs.map((g) => graphFile(g.base, 'q8')).join(' / ')} (q8, the WASM default) in the repo or reachable`;
  }
}

/**
 * A clause for `Model.reason` (e.g. "q8: the WASM default, …"), or '' when every graph took the
 * plain default; graphs that differ are named one by one.
 */
export function describeDtypes(graphs: readonly GraphDtype[], device: Device): string {
  const first = graphs[0];
  if (!first || graphs.every((g) => g.rule === 'default')) return '';
  if (graphs.every((g) => g.dtype === first.dtype && g.rule === first.rule)) return `${first.dtype}: ${because(first.rule, graphs, device)}`;
  return graphs.map((g) => `${g.base} in ${g.dtype}${g.rule === 'default' ? '' : ` (${because(g.rule, [g], device)})`}`).join(', ');
}
