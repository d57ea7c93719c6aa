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
import { betaAndDecay, convDim, drawDeltaNetWeights, gatedOutput, type DeltaNetConfig, type DeltaNetIo } from './gated-delta-net-weights.ts';
import { l2Norm, slice } from './layers.ts';

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

  // β per value head [B, S, H_v]: WebGPU's kernel indexes β per head, never [B, S, 1].
  const { beta, decay } = betaAndDecay(g, x, w, c, name);

  // scale 0 = 1/√d_k on the read-out, which equals scaling q first.
  const [o] = g.node(
    'LinearAttention',
    [q, k, v, io.pastRecurrent, decay, beta],
    [g.fresh('linear_attention'), io.presentRecurrent],
    { q_num_heads: attr.int(c.keyHeads), kv_num_heads: attr.int(c.valueHeads), update_rule: attr.string('gated_delta') },
    MS,
  );

  return gatedOutput(g, x, g.op('Reshape', [o!, g.i64([0, 0, c.valueHeads, c.valueDim])]), w, c, name);
}
