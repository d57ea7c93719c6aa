/**
 * Qwen3.5's linear-attention layer (Gated DeltaNet) in standard ONNX operators:
 * a depthwise causal conv with carried state, then the gated delta rule as a Scan over time
 * (the decomposition the original onnx-community export uses), with a carried recurrent state.
 *
 *   S_t = exp(g_t) · S_{t-1} + k_t ⊗ β_t (v_t − S_{t-1}ᵀ k_t),   o_t = S_tᵀ q_t
 */
import { attr, DT, type GraphBuilder } from '../onnx/graph-builder.ts';
import type { Rng } from '../onnx/rng.ts';
import { betaAndDecay, convDim, drawDeltaNetWeights, gatedOutput, type DeltaNetConfig, type DeltaNetIo } from './gated-delta-net-weights.ts';
import { INT64_MAX, l2Norm, silu, slice } from './layers.ts';

export { convDim, type DeltaNetConfig, type DeltaNetIo } from './gated-delta-net-weights.ts';

/** One time step of the gated delta rule, as a Scan body: (S, q, k, v, g, β) → (S', o). */
function deltaRuleBody(parent: GraphBuilder): ReturnType<GraphBuilder['graph']> {
  const b = parent.sub();
  const s = b.input(b.fresh('state_in'), DT.FLOAT, null); // [B, H, dk, dv]
  const q = b.input(b.fresh('q_t'), DT.FLOAT, null); // [B, H, dk]
  const k = b.input(b.fresh('k_t'), DT.FLOAT, null); // [B, H, dk]
  const v = b.input(b.fresh('v_t'), DT.FLOAT, null); // [B, H, dv]
  const gt = b.input(b.fresh('g_t'), DT.FLOAT, null); // [B, H]
  const beta = b.input(b.fresh('beta_t'), DT.FLOAT, null); // [B, H]

  const decay = b.op('Unsqueeze', [b.op('Exp', [gt]), b.i64([2, 3])]);
  const decayed = b.op('Mul', [s, decay]);
  const kCol = b.op('Unsqueeze', [k, b.i64([3])]); // [B, H, dk, 1]
  const recalled = b.op('ReduceSum', [b.op('Mul', [decayed, kCol]), b.i64([2])], { keepdims: attr.int(0) });
  const delta = b.op('Mul', [b.op('Sub', [v, recalled]), b.op('Unsqueeze', [beta, b.i64([2])])]);
  const update = b.op('Mul', [kCol, b.op('Unsqueeze', [delta, b.i64([2])])]); // [B, H, dk, dv]
  const next = b.op('Add', [decayed, update]);
  const qCol = b.op('Unsqueeze', [q, b.i64([3])]);
  const o = b.op('ReduceSum', [b.op('Mul', [next, qCol]), b.i64([2])], { keepdims: attr.int(0) });

  const sOut = b.op('Identity', [next]);
  b.output(sOut, DT.FLOAT, null);
  b.output(o, DT.FLOAT, null);
  return b.graph('gated_delta_rule_step');
}

export function gatedDeltaNet(
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
  if (c.valueHeads !== c.keyHeads) throw new Error('tiny model keeps key heads = value heads');
  const w = drawDeltaNetWeights(rng, c);

  // Causal depthwise conv over time with carried state, then SiLU.
  const mixed = g.op('Transpose', [g.linear(x, w.inProjQkv, d, cd, `${name}.in_proj_qkv`)], {
    perm: attr.ints([0, 2, 1]),
  }); // [B, C, S]
  const window = g.op('Concat', [io.pastConv, mixed], { axis: attr.int(2) }); // [B, C, Ks + S]
  g.node('Slice', [window, g.i64([-c.convStateLen]), g.i64([INT64_MAX]), g.i64([2])], [io.presentConv]);
  const conv = g.conv(window, w.conv, [cd, 1, c.convKernel], `${name}.conv1d.weight`, { group: attr.int(cd), kernel_shape: attr.ints([c.convKernel]) });
  // The conv yields Ks + S − K + 1 columns; the last S belong to the new tokens.
  const seqLen = g.op('Shape', [mixed], { start: attr.int(2), end: attr.int(3) });
  const convNew = g.op('Slice', [conv, g.op('Neg', [seqLen]), g.i64([INT64_MAX]), g.i64([2])]);
  const act = g.op('Transpose', [silu(g, convNew)], { perm: attr.ints([0, 2, 1]) }); // [B, S, C]

  const heads = (t: string, n: number, dim: number) => g.op('Reshape', [t, g.i64([0, 0, n, dim])]);
  const q = heads(slice(g, act, 0, kw, -1), c.keyHeads, c.keyDim);
  const k = heads(slice(g, act, kw, 2 * kw, -1), c.keyHeads, c.keyDim);
  const v = heads(slice(g, act, 2 * kw, 2 * kw + vw, -1), c.valueHeads, c.valueDim);
  const qn = g.op('Mul', [l2Norm(g, q, 1e-6), g.scalar(1 / Math.sqrt(c.keyDim))]);
  const kn = l2Norm(g, k, 1e-6);

  const { beta, decay: gate } = betaAndDecay(g, x, w, c, name); // [B, S, H], gate ≤ 0

  const timeMajor4 = { perm: attr.ints([1, 0, 2, 3]) };
  const timeMajor3 = { perm: attr.ints([1, 0, 2]) };
  const [, outs] = g.node(
    'Scan',
    [
      io.pastRecurrent,
      g.op('Transpose', [qn], timeMajor4),
      g.op('Transpose', [kn], timeMajor4),
      g.op('Transpose', [v], timeMajor4),
      g.op('Transpose', [gate], timeMajor3),
      g.op('Transpose', [beta], timeMajor3),
    ],
    [io.presentRecurrent, g.fresh('delta_out')],
    { body: attr.graph(deltaRuleBody(g)), num_scan_inputs: attr.int(5) },
  );
  const o = g.op('Transpose', [outs!], timeMajor4); // [B, S, H, dv]

  return gatedOutput(g, x, o, w, c, name);
}
