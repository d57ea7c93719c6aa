/**
 * 8-bit per-tensor quantisation as onnxruntime's `quantize_dynamic` writes Transformers.js's q8
 * (`_quantized`) files: weights uint8, asymmetric, one scale and zero point for the whole tensor
 * (its QUInt8 choice whenever a graph holds Conv or GroupQueryAttention, as Qwen3.5's exports do).
 */
export interface U8Tensor {
  data: Uint8Array;
  scale: number;
  zeroPoint: number;
}

/**
 * onnxruntime's `quantize_data` for uint8: the range is widened to hold 0, scale = range / 255,
 * zero point = round(−min / scale), values rounded half to even (numpy's `rint`).
 */
export function quantizeU8(w: Float32Array): U8Tensor {
  let min = 0;
  let max = 0;
  for (const v of w) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const scale = max === min ? 1 : Math.fround((max - min) / 255);
  const zeroPoint = clampU8(rint(-min / scale));
  const data = new Uint8Array(w.length);
  for (let i = 0; i < w.length; i++) data[i] = clampU8(rint(w[i]! / scale) + zeroPoint);
  return { data, scale, zeroPoint };
}

function rint(x: number): number {
  const r = Math.round(x);
  // Math.round rounds halves up; numpy rounds them to even.
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function clampU8(x: number): number {
  return Math.min(255, Math.max(0, x));
}
