/** IEEE 754 half → single precision, for fp16 logits (q4f16 / fp16 exports). */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

/** Converts a row of fp16 bits (or a Float16Array) to a Float32Array. */
export function toFloat32(data: ArrayLike<number>, isHalfBits: boolean): Float32Array {
  const out = new Float32Array(data.length);
  if (isHalfBits) for (let i = 0; i < data.length; i++) out[i] = halfToFloat(data[i]!);
  else for (let i = 0; i < data.length; i++) out[i] = data[i]!;
  return out;
}
