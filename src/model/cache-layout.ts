/**
 * The decoder's cache, read off the session itself: every `past_*` input paired with its
 * `present*` output, with dtype and shape from `inputMetadata`. So KV-only (Qwen3, Qwen2.5) and
 * hybrid KV + conv + recurrent (Qwen3.5, either export) layouts need no per-model code.
 */
import type { InferenceSession, Tensor } from 'onnxruntime-common';
import { UnsupportedModelError } from './errors.ts';
import type { OrtModule } from './ort.ts';

/** One cache slot: the input it is fed to and the output that replaces it. */
export interface CacheSlot {
  past: string;
  present: string;
  /** `kv` grows with the sequence; `state` (conv, recurrent) has a fixed size. */
  kind: 'kv' | 'state';
  type: Tensor.Type;
  shape: readonly (number | string)[];
}

/**
 * `past_key_values.i.*` → `present.i.*`, `past_conv.i` → `present_conv.i`, `past_recurrent.i` →
 * `present_recurrent.i` (onnxruntime-genai's `past_key_values.i.conv_state` → `present.i.conv_state`).
 */
export function presentNameOf(past: string): string {
  return past.replace(/^past_key_values\./, 'present.').replace(/^past_/, 'present_');
}

export function cacheLayout(session: InferenceSession): CacheSlot[] {
  const outputs = new Set(session.outputNames);
  const slots: CacheSlot[] = [];
  for (const m of session.inputMetadata) {
    if (!m.name.startsWith('past_')) continue;
    if (!m.isTensor) throw new UnsupportedModelError(`cache input ${m.name} is not a tensor`);
    const present = presentNameOf(m.name);
    if (!outputs.has(present)) throw new UnsupportedModelError(`cache input ${m.name} has no output ${present}`);
    // KV grows with the sequence; conv / recurrent states (either naming) have a fixed size.
    const kind = /^past_key_values\.\d+\.(key|value)$/.test(m.name) ? 'kv' : 'state';
    // A state's size must be static: only the batch dimension may be symbolic.
    if (kind === 'state' && m.shape.some((d, i) => i > 0 && typeof d !== 'number')) {
      throw new UnsupportedModelError(`state input ${m.name} has a symbolic shape [${m.shape.join(', ')}]`);
    }
    slots.push({ past: m.name, present, kind, type: m.type, shape: m.shape });
  }
  return slots;
}

const ZEROS: Partial<Record<Tensor.Type, (n: number) => Tensor.DataType>> = {
  float32: (n) => new Float32Array(n),
  float16: (n) => new Uint16Array(n),
};

/** The empty cache: batch → 1, past length → 0, fixed state dims as declared, all zeros. */
export function emptyCache(ort: OrtModule, slots: readonly CacheSlot[]): Record<string, Tensor> {
  const cache: Record<string, Tensor> = {};
  for (const s of slots) {
    const dims = s.shape.map((d, i) => (typeof d === 'number' ? d : i === 0 ? 1 : 0));
    const make = ZEROS[s.type];
    if (!make) throw new UnsupportedModelError(`cache ${s.past} has unsupported dtype ${s.type}`);
    cache[s.past] = new ort.Tensor(s.type as 'float32', make(dims.reduce((a, b) => a * b, 1)) as Float32Array, dims);
  }
  return cache;
}
