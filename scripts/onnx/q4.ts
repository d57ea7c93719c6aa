/**
 * 4-bit block quantisation in the layout of onnxruntime's com.microsoft MatMulNBits
 * (bits=4, symmetric with the implicit zero point 8, as real q4 exports use without zero_points).
 */
export interface Q4Weights {
  /** uint8 [N, blocksPerCol, blockSize / 2], two values per byte, low nibble first. */
  packed: Uint8Array;
  /** float32 [N * blocksPerCol]. */
  scales: Float32Array;
  blocksPerCol: number;
}

/** Quantise W given as row-major [K, N] (MatMul's B) into MatMulNBits' transposed [N, K] blocks. */
export function quantizeQ4(w: Float32Array, k: number, n: number, blockSize: number): Q4Weights {
  if (blockSize % 2 !== 0) throw new Error('block size must be even');
  const blocksPerCol = Math.ceil(k / blockSize);
  const bytesPerBlock = blockSize / 2;
  const packed = new Uint8Array(n * blocksPerCol * bytesPerBlock);
  const scales = new Float32Array(n * blocksPerCol);
  for (let col = 0; col < n; col++) {
    for (let b = 0; b < blocksPerCol; b++) {
      let amax = 0;
      for (let i = 0; i < blockSize; i++) {
        const row = b * blockSize + i;
        if (row < k) amax = Math.max(amax, Math.abs(w[row * n + col]!));
      }
      // Map [-amax, amax] onto the signed range [-8, 7] around zero point 8.
      const scale = amax === 0 ? 1 : amax / 7;
      scales[col * blocksPerCol + b] = scale;
      for (let i = 0; i < blockSize; i++) {
        const row = b * blockSize + i;
        const v = row < k ? w[row * n + col]! : 0;
        const q = Math.min(15, Math.max(0, Math.round(v / scale) + 8));
        const byte = (col * blocksPerCol + b) * bytesPerBlock + (i >> 1);
        packed[byte] = packed[byte]! | (i % 2 === 0 ? q : q << 4);
      }
    }
  }
  return { packed, scales, blocksPerCol };
}

export interface Q4AsymWeights extends Q4Weights {
  /** uint8 [N · ceil(blocksPerCol / 2)]: one 4-bit zero point per block, low nibble first. */
  zeroPoints: Uint8Array;
}

/**
 * Asymmetric 4-bit blocks (each block maps [min, max] onto 0..15 around its own zero point), as the
 * -OPT exports quantise (block 32, MatMulNBits / GatherBlockQuantized with zero points).
 */
export function quantizeQ4Asym(w: Float32Array, k: number, n: number, blockSize: number): Q4AsymWeights {
  if (blockSize % 2 !== 0) throw new Error('block size must be even');
  const blocksPerCol = Math.ceil(k / blockSize);
  const bytesPerBlock = blockSize / 2;
  const zpBytesPerCol = Math.ceil(blocksPerCol / 2);
  const packed = new Uint8Array(n * blocksPerCol * bytesPerBlock);
  const scales = new Float32Array(n * blocksPerCol);
  const zeroPoints = new Uint8Array(n * zpBytesPerCol);
  for (let col = 0; col < n; col++) {
    for (let b = 0; b < blocksPerCol; b++) {
      // Include 0 in the range so the zero point is an integer in [0, 15].
      let lo = 0;
      let hi = 0;
      for (let i = 0; i < blockSize; i++) {
        const row = b * blockSize + i;
        if (row < k) {
          const v = w[row * n + col]!;
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
      }
      const scale = hi === lo ? 1 : (hi - lo) / 15;
      const zp = Math.min(15, Math.max(0, Math.round(-lo / scale)));
      scales[col * blocksPerCol + b] = scale;
      const zb = col * zpBytesPerCol + (b >> 1);
      zeroPoints[zb] = zeroPoints[zb]! | (b % 2 === 0 ? zp : zp << 4);
      for (let i = 0; i < blockSize; i++) {
        const row = b * blockSize + i;
        const v = row < k ? w[row * n + col]! : 0;
        const q = Math.min(15, Math.max(0, Math.round(v / scale) + zp));
        const byte = (col * blocksPerCol + b) * bytesPerBlock + (i >> 1);
        packed[byte] = packed[byte]! | (i % 2 === 0 ? q : q << 4);
      }
    }
  }
  return { packed, scales, blocksPerCol, zeroPoints };
}
