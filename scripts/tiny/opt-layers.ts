/**
 * The full-attention layer, norms and q4 embedding on onnxruntime's fused operators, as the
 * onnxruntime-genai builder (and the -OPT exports, which follow its naming) writes them:
 * SimplifiedLayerNormalization with the Qwen3.5 "+1" baked into the weight, com.microsoft
 * RotaryEmbedding (partial rotary, rotate-half), GroupQueryAttention with a growing KV cache, and
 * GatherBlockQuantized for the 4-bit embedding. Same weights, drawn in the same order, and the same
 * function as the standard-operator layers in layers.ts.
 */
import { attr, DT, type GraphBuilder } from '../onnx/graph-builder.ts';
import { quantizeQ4Asym } from '../onnx/q4.ts';
import type { Rng } from '../onnx/rng.ts';
import { attentionOutput, attentionProjections, type AttentionConfig, type AttentionIo } from './layers.ts';

const MS = 'com.microsoft';

/** RMSNorm over the last axis as one SimplifiedLayerNormalization; `offset` is added to the stored weight. */
export function rmsNormFused(g: GraphBuilder, x: string, w: Float32Array, eps: number, name: string, offset: 0 | 1 = 0): string {
  const scale = offset ? w.map((v) => v + offset) : w;
  return g.op('SimplifiedLayerNormalization', [x, g.f32(name, scale, [w.length])], { axis: attr.int(-1), epsilon: attr.float(eps) });
}

/** What every full-attention layer shares: rotary caches, plain positions [B, S], GQA's lengths. */
export interface FusedAttentionInputs {
  cos: string;
  sin: string;
  rotaryDim: number;
  /** int64 [B, S] */
  positions: string;
  /** int32 [B]: tokens seen − 1 */
  seqlensK: string;
  /** int32 scalar: past + new */
  totalLength: string;
}

/**
 * Rotary caches [maxPositions, rotaryDim / 2] and GQA's length inputs. Text-only MRoPE has equal
 * t/h/w rows, so its rotation is plain RoPE on row 0 of position_ids [3, B, S].
 */
export function fusedAttentionInputs(
  g: GraphBuilder,
  positionIds3: string,
  attentionMask: string,
  rotaryDim: number,
  theta: number,
  maxPositions: number,
): FusedAttentionInputs {
  const half = rotaryDim / 2;
  const cos = new Float32Array(maxPositions * half);
  const sin = new Float32Array(maxPositions * half);
  for (let p = 0; p < maxPositions; p++) {
    for (let j = 0; j < half; j++) {
      const a = p / theta ** ((2 * j) / rotaryDim);
      cos[p * half + j] = Math.cos(a);
      sin[p * half + j] = Math.sin(a);
    }
  }
  const positions = g.op('Gather', [positionIds3, g.i64([0], [])], { axis: attr.int(0) });
  const seen = g.op('ReduceSum', [attentionMask, g.i64([1])], { keepdims: attr.int(0) });
  const seqlensK = g.op('Cast', [g.op('Sub', [seen, g.i64([1], [])])], { to: attr.int(DT.INT32) });
  const total = g.op('Squeeze', [g.op('Shape', [attentionMask], { start: attr.int(1), end: attr.int(2) }), g.i64([0])]);
  return {
    cos: g.f32(g.fresh('cos_cache'), cos, [maxPositions, half]),
    sin: g.f32(g.fresh('sin_cache'), sin, [maxPositions, half]),
    rotaryDim,
    positions,
    seqlensK,
    totalLength: g.op('Cast', [total], { to: attr.int(DT.INT32) }),
  };
}

export function attentionFused(
  g: GraphBuilder,
  rng: Rng,
  x: string,
  c: AttentionConfig,
  shared: FusedAttentionInputs,
  io: AttentionIo,
  name: string,
): string {
  const { heads: h, kvHeads: kvh, headDim: hd } = c;
  const { q, k, v, gate } = attentionProjections(g, rng, x, c, name, rmsNormFused);
  // Packed [B, S, heads · hd], the layout RotaryEmbedding and GroupQueryAttention take.
  const packed = (t: string, n: number) => g.op('Reshape', [t, g.i64([0, 0, n * hd])]);
  const qn = packed(q, h);
  const kn = packed(k, kvh);
  const rotary = (t: string, heads: number) =>
    g.op('RotaryEmbedding', [t, shared.positions, shared.cos, shared.sin], { num_heads: attr.int(heads), rotary_embedding_dim: attr.int(shared.rotaryDim) }, MS);
  const [out] = g.node(
    'GroupQueryAttention',
    [rotary(qn, h), rotary(kn, kvh), v, io.pastKey, io.pastValue, shared.seqlensK, shared.totalLength],
    [g.fresh('gqa'), io.presentKey, io.presentValue],
    { num_heads: attr.int(h), kv_num_heads: attr.int(kvh) },
    MS,
  );
  return attentionOutput(g, rng, out!, gate, c, name);
}

/**
 * embed_tokens for a q4 export: GatherBlockQuantized over the table quantised in 4-bit blocks of 32
 * along the hidden axis, with zero points — the same bytes the q4 lm_head's MatMulNBits holds.
 */
export function buildEmbedTokensQ4(g: GraphBuilder, embedT: Float32Array, vocab: number, hidden: number): void {
  const ids = g.input('input_ids', DT.INT64, ['batch_size', 'sequence_length']);
  embedQ4(g, embedT, vocab, hidden, ids, 'inputs_embeds');
  g.output('inputs_embeds', DT.FLOAT, ['batch_size', 'sequence_length', hidden]);
}

/** The GatherBlockQuantized lookup of `ids` into `out` (embedT: the table transposed, [hidden, vocab]). */
export function embedQ4(g: GraphBuilder, embedT: Float32Array, vocab: number, hidden: number, ids: string, out: string): string {
  const blockSize = 32;
  const q = quantizeQ4Asym(embedT, hidden, vocab, blockSize);
  const data = g.init('model.embed_tokens.weight_quant', q.packed, [vocab, hidden / 2], DT.UINT8);
  const scales = g.f32('model.embed_tokens.weight_scales', q.scales, [vocab, q.blocksPerCol]);
  const zp = g.init('model.embed_tokens.weight_zp', q.zeroPoints, [vocab, Math.ceil(q.blocksPerCol / 2)], DT.UINT8);
  g.node('GatherBlockQuantized', [data, ids, scales, zp], [out], { gather_axis: attr.int(0), quantize_axis: attr.int(1), block_size: attr.int(blockSize), bits: attr.int(4) }, MS);
  return out;
}
