/**
 * tiny-qwen3_5: the input/output contract of onnx-community's Qwen3.5 text export (embed_tokens +
 * decoder_model_merged, hybrid KV / conv / recurrent cache, MRoPE position_ids [3, B, S],
 * scalar num_logits_to_keep as in the -OPT export) at toy size with random weights.
 */
import { attr, DT, GraphBuilder, type Quant } from '../onnx/graph-builder.ts';
import { quantizeU8 } from '../onnx/q8.ts';
import { Rng } from '../onnx/rng.ts';
import { convDim, gatedDeltaNet, type DeltaNetConfig } from './gated-delta-net.ts';
import { gatedDeltaNetFused } from './gated-delta-net-fused.ts';
import { attentionFused, buildEmbedTokensQ4, embedQ4, fusedAttentionInputs, rmsNormFused } from './opt-layers.ts';
import { attention, INT64_MAX, mlp, mrope, OUT_GAIN, rmsNorm, type AttentionConfig } from './layers.ts';

export interface TinyQwen35Config {
  vocab: number;
  hidden: number;
  intermediate: number;
  layerTypes: ('linear_attention' | 'full_attention')[];
  attention: AttentionConfig;
  rotaryDim: number;
  ropeTheta: number;
  mropeSection: [number, number, number];
  deltaNet: DeltaNetConfig;
  eps: number;
  maxPositions: number;
}

export function tinyQwen35Config(vocab: number): TinyQwen35Config {
  const hidden = 64;
  const eps = 1e-6;
  return {
    vocab,
    hidden,
    intermediate: 128,
    layerTypes: ['linear_attention', 'linear_attention', 'linear_attention', 'full_attention'],
    attention: { hidden, heads: 4, kvHeads: 2, headDim: 16, eps, gated: true, normOffset: 1, outGain: OUT_GAIN },
    rotaryDim: 8,
    // A small base so that neighbouring positions rotate visibly: position bugs must change tokens.
    ropeTheta: 100,
    mropeSection: [2, 1, 1],
    deltaNet: {
      hidden,
      keyHeads: 2,
      valueHeads: 2,
      keyDim: 16,
      valueDim: 16,
      convKernel: 4,
      convStateLen: 3,
      eps,
    },
    eps,
    maxPositions: 32768,
  };
}

export interface BuiltModel {
  files: Record<string, Uint8Array>;
}

/** Embedding table, shared (tied) by embed_tokens and the decoder's lm_head. */
function embeddingTable(seed: number, vocab: number, hidden: number): Float32Array {
  return new Rng(seed ^ 0x5eed).normalArray(vocab * hidden, 1);
}

/**
 * embed_tokens: a Gather over the fp32 table, (q4 -OPT) GatherBlockQuantized over its 4-bit blocks,
 * or (q8) what `quantize_dynamic` makes of the fp32 one: a Gather over the per-tensor uint8 table
 * and one DequantizeLinear of the rows gathered.
 */
export function buildEmbedTokens(embed: Float32Array, vocab: number, hidden: number, quant: Quant = 'fp32'): Uint8Array {
  const g = new GraphBuilder('fp32');
  if (quant === 'q4-asym') {
    buildEmbedTokensQ4(g, transpose(embed, vocab, hidden), vocab, hidden);
    return g.encodeModel('embed_tokens');
  }
  const ids = g.input('input_ids', DT.INT64, ['batch_size', 'sequence_length']);
  if (quant === 'q8') {
    const q = quantizeU8(embed);
    const table = g.init('model.embed_tokens.weight_quantized', q.data, [vocab, hidden], DT.UINT8);
    const rows = g.op('Gather', [table, ids]);
    const scale = g.f32('model.embed_tokens.weight_scale', Float32Array.of(q.scale), []);
    const zero = g.init('model.embed_tokens.weight_zero_point', Uint8Array.of(q.zeroPoint), [], DT.UINT8);
    g.node('DequantizeLinear', [rows, scale, zero], ['inputs_embeds']);
    g.output('inputs_embeds', DT.FLOAT, ['batch_size', 'sequence_length', hidden]);
    return g.encodeModel('embed_tokens');
  }
  const table = g.f32('model.embed_tokens.weight', embed, [vocab, hidden]);
  g.node('Gather', [table, ids], ['inputs_embeds']);
  g.output('inputs_embeds', DT.FLOAT, ['batch_size', 'sequence_length', hidden]);
  return g.encodeModel('embed_tokens');
}

/**
 * Which operators the decoder is written in: `standard` (the original onnx-community export's
 * family: a Scan per linear-attention layer, attention and norms from primitives) or `opt` (the
 * -OPT export's: com.microsoft LinearAttention + CausalConvWithState, GroupQueryAttention +
 * RotaryEmbedding, SimplifiedLayerNormalization). Both compute the same function from the same weights.
 */
export type OperatorSet = 'standard' | 'opt';

/** Positions the -OPT graph's rotary caches cover (a real export precomputes them up to its context). */
export function rotaryCachePositions(c: TinyQwen35Config): number {
  return Math.min(c.maxPositions, 65536);
}

export function buildDecoder(
  c: TinyQwen35Config,
  embed: Float32Array,
  seed: number,
  quant: Quant,
  ops: OperatorSet = 'standard',
): Uint8Array {
  return decoderGraph(c, embed, seed, quant, ops).encodeModel('decoder_model_merged');
}

/**
 * Input/output naming: `transformers.js` (onnx-community repos: embed_tokens feeds inputs_embeds,
 * position_ids [3, B, S], past_conv.i / past_recurrent.i, num_logits_to_keep) or `genai`
 * (onnxruntime-genai's model builder, text-only: input_ids with the embedding inside,
 * position_ids [B, S], past_key_values.i.conv_state / .recurrent_state, logits for every position).
 */
export type DecoderIo = 'transformers.js' | 'genai';

function stateNames(io: DecoderIo, i: number) {
  return io === 'genai'
    ? { pastConv: `past_key_values.${i}.conv_state`, presentConv: `present.${i}.conv_state`, pastRecurrent: `past_key_values.${i}.recurrent_state`, presentRecurrent: `present.${i}.recurrent_state` }
    : { pastConv: `past_conv.${i}`, presentConv: `present_conv.${i}`, pastRecurrent: `past_recurrent.${i}`, presentRecurrent: `present_recurrent.${i}` };
}

/** The decoder's graph, unserialised (the full-size stand-in writes it with external data). */
export function decoderGraph(
  c: TinyQwen35Config,
  embed: Float32Array,
  seed: number,
  quant: Quant,
  ops: OperatorSet = 'standard',
  ioNames: DecoderIo = 'transformers.js',
): GraphBuilder {
  const opt = ops === 'opt';
  const genai = ioNames === 'genai';
  const norm = opt ? rmsNormFused : rmsNorm;
  const g = new GraphBuilder(quant);
  const rng = new Rng(seed);
  const B = 'batch_size';
  let x: string;
  let positionIds: string;
  let mask: string;
  if (genai) {
    const ids = g.input('input_ids', DT.INT64, [B, 'sequence_length']);
    mask = g.input('attention_mask', DT.INT64, [B, 'total_sequence_length']);
    const pos = g.input('position_ids', DT.INT64, [B, 'sequence_length']);
    // Text-only MRoPE: the same positions on the t, h and w rows.
    const row = g.op('Unsqueeze', [pos, g.i64([0])]);
    positionIds = g.op('Concat', [row, row, row], { axis: attr.int(0) });
    x = quant === 'q4-asym'
      ? embedQ4(g, transpose(embed, c.vocab, c.hidden), c.vocab, c.hidden, ids, g.fresh('inputs_embeds'))
      : g.op('Gather', [g.f32('model.embed_tokens.weight', embed, [c.vocab, c.hidden]), ids]);
  } else {
    x = g.input('inputs_embeds', DT.FLOAT, [B, 'sequence_length', c.hidden]);
    mask = g.input('attention_mask', DT.INT64, [B, 'total_sequence_length']);
    positionIds = g.input('position_ids', DT.INT64, [3, B, 'sequence_length']);
  }
  const a = c.attention;
  const dn = c.deltaNet;
  c.layerTypes.forEach((t, i) => {
    if (t === 'full_attention') {
      g.input(`past_key_values.${i}.key`, DT.FLOAT, [B, a.kvHeads, 'past_sequence_length', a.headDim]);
      g.input(`past_key_values.${i}.value`, DT.FLOAT, [B, a.kvHeads, 'past_sequence_length', a.headDim]);
    } else {
      const n = stateNames(ioNames, i);
      g.input(n.pastConv, DT.FLOAT, [B, convDim(dn), dn.convStateLen]);
      g.input(n.pastRecurrent, DT.FLOAT, [B, dn.valueHeads, dn.keyDim, dn.valueDim]);
    }
  });
  const keep = genai ? undefined : g.input('num_logits_to_keep', DT.INT64, []);

  const rot = opt ? undefined : mrope(g, positionIds, c.rotaryDim, c.ropeTheta, c.mropeSection);
  const fused = opt ? fusedAttentionInputs(g, positionIds, mask, c.rotaryDim, c.ropeTheta, rotaryCachePositions(c)) : undefined;
  c.layerTypes.forEach((t, i) => {
    const name = `model.layers.${i}`;
    const normed = norm(g, x, rng.normalArray(c.hidden, 0.1), c.eps, `${name}.input_layernorm.weight`, 1);
    let mixed: string;
    if (t === 'full_attention') {
      const io = {
        pastKey: `past_key_values.${i}.key`,
        pastValue: `past_key_values.${i}.value`,
        presentKey: `present.${i}.key`,
        presentValue: `present.${i}.value`,
        attentionMask: mask,
      };
      mixed = fused ? attentionFused(g, rng, normed, a, fused, io, `${name}.self_attn`) : attention(g, rng, normed, a, rot!, io, `${name}.self_attn`);
    } else {
      mixed = (opt ? gatedDeltaNetFused : gatedDeltaNet)(
        g,
        rng,
        normed,
        dn,
        stateNames(ioNames, i),
        `${name}.linear_attn`,
      );
    }
    x = g.op('Add', [x, mixed]);
    const post = norm(g, x, rng.normalArray(c.hidden, 0.1), c.eps, `${name}.post_attention_layernorm.weight`, 1);
    x = g.op('Add', [x, mlp(g, rng, post, c.hidden, c.intermediate, `${name}.mlp`)]);
  });
  const final = norm(g, x, rng.normalArray(c.hidden, 0.1), c.eps, 'model.norm.weight', 1);
  // Keep the last n positions (n = 0 keeps all, as in Transformers.js's plain forward).
  const kept = keep ? g.op('Slice', [final, g.op('Neg', [g.op('Unsqueeze', [keep, g.i64([0])])]), g.i64([INT64_MAX]), g.i64([1])]) : final;
  const lmHead = transpose(embed, c.vocab, c.hidden);
  g.node('Identity', [g.linear(kept, lmHead, c.hidden, c.vocab, 'lm_head.weight')], ['logits']);

  g.output('logits', DT.FLOAT, [B, 'logits_sequence_length', c.vocab]);
  c.layerTypes.forEach((t, i) => {
    if (t === 'full_attention') {
      g.output(`present.${i}.key`, DT.FLOAT, [B, a.kvHeads, 'total_sequence_length', a.headDim]);
      g.output(`present.${i}.value`, DT.FLOAT, [B, a.kvHeads, 'total_sequence_length', a.headDim]);
    } else {
      const n = stateNames(ioNames, i);
      g.output(n.presentConv, DT.FLOAT, [B, convDim(dn), dn.convStateLen]);
      g.output(n.presentRecurrent, DT.FLOAT, [B, dn.valueHeads, dn.keyDim, dn.valueDim]);
    }
  });
  return g;
}

/** Row-major [rows, cols] → [cols, rows]. */
export function transpose(m: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(m.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = m[r * cols + c]!;
  return out;
}

export function qwen35ConfigJson(c: TinyQwen35Config, ids: SpecialIds): object {
  const a = c.attention;
  const dn = c.deltaNet;
  return {
    architectures: ['Qwen3_5ForConditionalGeneration'],
    model_type: 'qwen3_5',
    tie_word_embeddings: true,
    image_token_id: ids.imagePad,
    video_token_id: ids.videoPad,
    vision_start_token_id: ids.visionStart,
    vision_end_token_id: ids.visionEnd,
    text_config: {
      model_type: 'qwen3_5_text',
      vocab_size: c.vocab,
      hidden_size: c.hidden,
      intermediate_size: c.intermediate,
      num_hidden_layers: c.layerTypes.length,
      layer_types: c.layerTypes,
      full_attention_interval: 4,
      num_attention_heads: a.heads,
      num_key_value_heads: a.kvHeads,
      head_dim: a.headDim,
      attn_output_gate: true,
      linear_conv_kernel_dim: dn.convKernel,
      linear_key_head_dim: dn.keyDim,
      linear_value_head_dim: dn.valueDim,
      linear_num_key_heads: dn.keyHeads,
      linear_num_value_heads: dn.valueHeads,
      rms_norm_eps: c.eps,
      tie_word_embeddings: true,
      max_position_embeddings: c.maxPositions,
      eos_token_id: ids.endOfText,
      rope_parameters: {
        rope_type: 'default',
        rope_theta: c.ropeTheta,
        partial_rotary_factor: c.rotaryDim / a.headDim,
        mrope_interleaved: true,
        mrope_section: c.mropeSection,
      },
    },
    vision_config: { depth: 1, hidden_size: 32, out_hidden_size: c.hidden, spatial_merge_size: 2, patch_size: 16 },
  };
}

export interface SpecialIds {
  endOfText: number;
  imEnd: number;
  imagePad: number;
  videoPad: number;
  visionStart: number;
  visionEnd: number;
}

export function buildQwen35(seed: number, vocab: number): { config: TinyQwen35Config; embed: Float32Array } {
  const config = tinyQwen35Config(vocab);
  return { config, embed: embeddingTable(seed, vocab, config.hidden) };
}
