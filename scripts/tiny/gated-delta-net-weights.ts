/**
 * The weights of one Gated DeltaNet layer, drawn in one fixed order, and the graph pieces around
 * the recurrence that the `Scan` graph and the fused com.microsoft graph share, so both built from
 * the same seed compute the same function.
 */
import type { GraphBuilder } from '../onnx/graph-builder.ts';
import type { Rng } from '../onnx/rng.ts';
import { OUT_GAIN, rmsNorm, silu, weight } from './layers.ts';

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

/** β = sigmoid(b) and the log-space decay g = −exp(A_log) · softplus(a + dt_bias), both [B, S, H_v]. */
export function betaAndDecay(g: GraphBuilder, x: string, w: DeltaNetWeights, c: DeltaNetConfig, name: string): { beta: string; decay: string } {
  const d = c.hidden;
  const h = c.valueHeads;
  const beta = g.op('Sigmoid', [g.linear(x, w.inProjB, d, h, `${name}.in_proj_b`)]);
  const a = g.linear(x, w.inProjA, d, h, `${name}.in_proj_a`);
  const dtBias = g.f32(`${name}.dt_bias`, w.dtBias, [h]);
  const aLog = g.f32(`${name}.A_log`, w.aLog, [h]);
  const decay = g.op('Mul', [g.op('Neg', [g.op('Exp', [aLog])]), g.op('Softplus', [g.op('Add', [a, dtBias])])]);
  return { beta, decay };
}

/** The layer's output from the recurrence's o [B, S, H_v, d_v]: gated RMSNorm norm(o) · w · silu(z), then out_proj. */
export function gatedOutput(g: GraphBuilder, x: string, o: string, w: DeltaNetWeights, c: DeltaNetConfig, name: string): string {
  const d = c.hidden;
  const vw = c.valueHeads * c.valueDim;
  const z = g.op('Reshape', [g.linear(x, w.inProjZ, d, vw, `${name}.in_proj_z`), g.i64([0, 0, c.valueHeads, c.valueDim])]);
  const normed = rmsNorm(g, o, w.norm, c.eps, `${name}.norm.weight`);
  const gated = g.op('Reshape', [g.op('Mul', [normed, silu(g, z)]), g.i64([0, 0, vw])]);
  return g.linear(gated, w.outProj, vw, d, `${name}.out_proj`);
}
