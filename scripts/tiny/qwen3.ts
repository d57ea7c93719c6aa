/**
 * tiny-qwen3: a plain KV-cache decoder with the I/O of the Qwen3 / Qwen2.5 exports
 * (input_ids, attention_mask, position_ids [B, S], past_key_values.{i}.key/value → logits, present.{i}.*).
 */
import { DT, GraphBuilder, type Quant } from '../onnx/graph-builder.ts';
import { Rng } from '../onnx/rng.ts';
import { attention, mlp, rmsNorm, rope1d, type AttentionConfig } from './layers.ts';
import { transpose, type SpecialIds } from './qwen3_5.ts';

export interface TinyQwen3Config {
  vocab: number;
  hidden: number;
  intermediate: number;
  layers: number;
  attention: AttentionConfig;
  ropeTheta: number;
  eps: number;
}

export function tinyQwen3Config(vocab: number): TinyQwen3Config {
  const hidden = 64;
  const eps = 1e-6;
  return {
    vocab,
    hidden,
    intermediate: 128,
    layers: 4,
    attention: { hidden, heads: 4, kvHeads: 2, headDim: 16, eps, gated: false, normOffset: 0, outGain: 1 },
    ropeTheta: 100,
    eps,
  };
}

export function buildQwen3(c: TinyQwen3Config, embed: Float32Array, seed: number, quant: Quant): Uint8Array {
  const g = new GraphBuilder(quant);
  const rng = new Rng(seed);
  const B = 'batch_size';
  const a = c.attention;
  const ids = g.input('input_ids', DT.INT64, [B, 'sequence_length']);
  const mask = g.input('attention_mask', DT.INT64, [B, 'total_sequence_length']);
  const positionIds = g.input('position_ids', DT.INT64, [B, 'sequence_length']);
  for (let i = 0; i < c.layers; i++) {
    g.input(`past_key_values.${i}.key`, DT.FLOAT, [B, a.kvHeads, 'past_sequence_length', a.headDim]);
    g.input(`past_key_values.${i}.value`, DT.FLOAT, [B, a.kvHeads, 'past_sequence_length', a.headDim]);
  }
  let x = g.op('Gather', [g.f32('model.embed_tokens.weight', embed, [c.vocab, c.hidden]), ids]);
  const rot = rope1d(g, positionIds, a.headDim, c.ropeTheta);
  for (let i = 0; i < c.layers; i++) {
    const name = `model.layers.${i}`;
    const normed = rmsNorm(g, x, rng.normalArray(c.hidden, 0.1, 1), c.eps, `${name}.input_layernorm.weight`);
    const attn = attention(
      g,
      rng,
      normed,
      a,
      rot,
      {
        pastKey: `past_key_values.${i}.key`,
        pastValue: `past_key_values.${i}.value`,
        presentKey: `present.${i}.key`,
        presentValue: `present.${i}.value`,
        attentionMask: mask,
      },
      `${name}.self_attn`,
    );
    x = g.op('Add', [x, attn]);
    const post = rmsNorm(g, x, rng.normalArray(c.hidden, 0.1, 1), c.eps, `${name}.post_attention_layernorm.weight`);
    x = g.op('Add', [x, mlp(g, rng, post, c.hidden, c.intermediate, `${name}.mlp`)]);
  }
  const final = rmsNorm(g, x, rng.normalArray(c.hidden, 0.1, 1), c.eps, 'model.norm.weight');
  g.node('Identity', [g.linear(final, transpose(embed, c.vocab, c.hidden), c.hidden, c.vocab, 'lm_head.weight')], [
    'logits',
  ]);
  g.output('logits', DT.FLOAT, [B, 'sequence_length', c.vocab]);
  for (let i = 0; i < c.layers; i++) {
    g.output(`present.${i}.key`, DT.FLOAT, [B, a.kvHeads, 'total_sequence_length', a.headDim]);
    g.output(`present.${i}.value`, DT.FLOAT, [B, a.kvHeads, 'total_sequence_length', a.headDim]);
  }
  return g.encodeModel('model');
}

export function qwen3ConfigJson(c: TinyQwen3Config, ids: SpecialIds): object {
  const a = c.attention;
  return {
    architectures: ['Qwen3ForCausalLM'],
    model_type: 'qwen3',
    vocab_size: c.vocab,
    hidden_size: c.hidden,
    intermediate_size: c.intermediate,
    num_hidden_layers: c.layers,
    num_attention_heads: a.heads,
    num_key_value_heads: a.kvHeads,
    head_dim: a.headDim,
    rms_norm_eps: c.eps,
    rope_theta: c.ropeTheta,
    max_position_embeddings: 32768,
    tie_word_embeddings: true,
    eos_token_id: ids.imEnd,
    bos_token_id: ids.endOfText,
  };
}
