/**
 * The weights of one Gated DeltaNet layer, drawn in one fixed order, so the `Scan` graph and the
 * fused com.microsoft graph built from the same seed compute the same function.
 */
import type { Rng } from '../onnx/rng.ts';
import { OUT_GAIN, weight } from './layers.ts';

export interface DeltaNetConfig {
  hidden: number;
  keyHeads: number;
  valueHeads: number;
  keyDim: number;
  valueDim: number;
  convKernel: number;
  /** Columns of conv state carried between steps: kernel (original export) or kernel − 1 (-OPT). */
  convStateLen: number;
  eps: number;
}

export interface DeltaNetIo {
  pastConv: string;
  pastRecurrent: string;
  presentConv: string;
  presentRecurrent: string;
}

export function convDim(c: DeltaNetConfig): number {
  return 2 * c.keyHeads * c.keyDim + c.valueHeads * c.valueDim;
}

export interface DeltaNetWeights {
  /** [hidden, convDim] */
  inProjQkv: Float32Array;
  /** [convDim, 1, kernel] */
  conv: Float32Array;
  /** [hidden, valueHeads] */
  inProjB: Float32Array;
  inProjA: Float32Array;
  /** [valueHeads] */
  dtBias: Float32Array;
  aLog: Float32Array;
  /** [hidden, valueHeads · valueDim] */
  inProjZ: Float32Array;
  /** [valueDim], used as given (Qwen3.5's gated norm has no +1 offset). */
  norm: Float32Array;
  /** [valueHeads · valueDim, hidden] */
  outProj: Float32Array;
}

export function drawDeltaNetWeights(rng: Rng, c: DeltaNetConfig): DeltaNetWeights {
  const d = c.hidden;
  const cd = convDim(c);
  const h = c.valueHeads;
  const vw = c.valueHeads * c.valueDim;
  const inProjQkv = weight(rng, d, cd);
  const conv = rng.normalArray(cd * c.convKernel, 1 / Math.sqrt(c.convKernel));
  const inProjB = weight(rng, d, h);
  const inProjA = weight(rng, d, h);
  const dtBias = rng.normalArray(h, 0.5);
  const aLog = Float32Array.from({ length: h }, () => Math.log(0.2 + rng.next()));
  const inProjZ = weight(rng, d, vw);
  const norm = rng.normalArray(c.valueDim, 0.1, 1);
  const outProj = weight(rng, vw, d, OUT_GAIN);
  return { inProjQkv, conv, inProjB, inProjA, dtBias, aLog, inProjZ, norm, outProj };
}
