/**
 * Qwen3.5's linear-attention layer (Gated DeltaNet) on onnxruntime's fused com.microsoft operators,
 * as the `-ONNX-OPT` exports run it: `CausalConvWithState` (depthwise causal conv + SiLU, state
 * [B, C, K − 1]) and `LinearAttention` (update_rule gated_delta, state [B, H_v, d_k, d_v]).
 * Same weights and the same function as the `Scan` graph in gated-delta-net.ts:
 *
 *   S_t = exp(g_t) · S_{t-1} + k_t ⊗ β_t (v_t − (exp(g_t) S_{t-1})ᵀ k_t),   o_t = S_tᵀ q_t / √d_k
 *
 * The operators do no normalisation or activation of their own inputs: q and k are L2-normalised,
 * β = sigmoid(b) and g = −exp(A_log) · softplus(a + dt_bias) are computed around them
 * (onnxruntime contrib_ops/cpu/bert/linear_attention.cc; see docs/operators.md).
 */
import { attr, type GraphBuilder } from '../onnx/graph-builder.ts';
import type { Rng } from '../onnx/rng.ts';
import { convDim, drawDeltaNetWeights, type DeltaNetConfig, type DeltaNetIo } from './gated-delta-net-weights.ts';
import { l2Norm, rmsNorm, silu, slice } from './layers.ts';

const MS = 'com.microsoft';

export function gatedDeltaNetFused(
  g: GraphBuilder,
  rng: Rng,
  x: string,
  c: DeltaNetConfig,
  io: DeltaNetIo,
  name: string,
): string {
  const d = c.hidden;
  const cd = convDim(c);
  const kw = c.keyHeads * c.keyDim;
  const vw = c.valueHeads * c.valueDim;
  if (c.convStateLen !== c.convKernel - 1) throw new Error('CausalConvWithState carries kernel − 1 columns');
  const w = drawDeltaNetWeights(rng, c);

  // Channels-first as the -OPT export (state [B, C, K − 1]); no bias (input 2 left empty).
  const mixed = g.op('Transpose', [g.linear(x, w.inProjQkv, d, cd, `${name}.in_proj_qkv`)], { perm: attr.ints([0, 2, 1]) });
  const convW = g.f32(`${name}.conv1d.weight`, w.conv, [cd, 1, c.convKernel]);
  const [conv] = g.node('CausalConvWithState', [mixed, convW, '', io.pastConv], [g.fresh('conv'), io.presentConv], { activation: attr.string('silu') }, MS);
  const act = g.op('Transpose', [conv!], { perm: attr.ints([0, 2, 1]) }); // [B, S, C]

  // L2 norm per head, then back to the packed [B, S, heads · dim] the operator takes.
  const normedHeads = (t: string, n: number, dim: number) =>
    g.op('Reshape', [l2Norm(g, g.op('Reshape', [t, g.i64([0, 0, n, dim])]), 1e-6), g.i64([0, 0, n * dim])]);
  const q = normedHeads(slice(g, act, 0, kw, -1), c.keyHeads, c.keyDim);
  const k = normedHeads(slice(g, act, kw, 2 * kw, -1), c.keyHeads, c.keyDim);
  const v = slice(g, act, 2 * kw, 2 * kw + vw, -1);

  const h = c.valueHeads;
  // β per value head [B, S, H_v]: WebGPU's kernel indexes β per head, never [B, S, 1].
  const beta = g.op('Sigmoid', [g.linear(x, w.inProjB, d, h, `${name}.in_proj_b`)]);
  const a = g.linear(x, w.inProjA, d, h, `${name}.in_proj_a`);
  const dtBias = g.f32(`${name}.dt_bias`, w.dtBias, [h]);
  const aLog = g.f32(`${name}.A_log`, w.aLog, [h]);
  const decay = g.op('Mul', [g.op('Neg', [g.op('Exp', [aLog])]), g.op('Softplus', [g.op('Add', [a, dtBias])])]);

  // scale 0 = 1/√d_k on the read-out, which equals scaling q first.
  const [o] = g.node(
    'LinearAttention',
    [q, k, v, io.pastRecurrent, decay, beta],
    [g.fresh('linear_attention'), io.presentRecurrent],
    { q_num_heads: attr.int(c.keyHeads), kv_num_heads: attr.int(c.valueHeads), update_rule: attr.string('gated_delta') },
    MS,
  );

  // Gated RMSNorm per value head: norm(o) · w · silu(z).
  const perHead = (t: string) => g.op('Reshape', [t, g.i64([0, 0, h, c.valueDim])]);
  const z = perHead(g.linear(x, w.inProjZ, d, vw, `${name}.in_proj_z`));
  const normed = rmsNorm(g, perHead(o!), w.norm, c.eps, `${name}.norm.weight`);
  const gated = g.op('Reshape', [g.op('Mul', [normed, silu(g, z)]), g.i64([0, 0, vw])]);
  return g.linear(gated, w.outProj, vw, d, `${name}.out_proj`);
}
