/**
 * Transformer pieces shared by the tiny Qwen3 and Qwen3.5 graphs, written with standard ONNX
 * operators (plus MatMulNBits in q4 graphs). Tensors are named strings in a GraphBuilder.
 */
import { attr, DT, type GraphBuilder } from '../onnx/graph-builder.ts';
import type { Rng } from '../onnx/rng.ts';

export const INT64_MAX = Number.MAX_SAFE_INTEGER;

/**
 * Gain of every projection back into the residual stream. Large enough that the layers, not the
 * input embedding, decide the next token: with tied embeddings and small layer outputs a random
 * model only repeats its last input token, which would hide cache and position bugs.
 */
export const OUT_GAIN = 4;

/** Random projection weight, std 1/sqrt(fanIn) so activations keep unit scale. */
export function weight(rng: Rng, k: number, n: number, gain = 1): Float32Array {
  return rng.normalArray(k * n, gain / Math.sqrt(k));
}

export function slice(g: GraphBuilder, x: string, start: number, end: number, axis: number): string {
  return g.op('Slice', [x, g.i64([start]), g.i64([end]), g.i64([axis])]);
}

export function silu(g: GraphBuilder, x: string): string {
  return g.op('Mul', [x, g.op('Sigmoid', [x])]);
}

/**
 * RMSNorm over the last axis. `offset` 1 gives the Gemma/Qwen3.5 form (scale by 1 + weight);
 * the weight is stored as given and the offset added in the graph, as the real export does.
 */
export function rmsNorm(
  g: GraphBuilder,
  x: string,
  w: Float32Array,
  eps: number,
  name: string,
  offset: 0 | 1 = 0,
): string {
  const ms = g.op('ReduceMean', [g.op('Mul', [x, x])], { axes: attr.ints([-1]), keepdims: attr.int(1) });
  const inv = g.op('Reciprocal', [g.op('Sqrt', [g.op('Add', [ms, g.scalar(eps)])])]);
  let scale = g.f32(name, w, [w.length]);
  if (offset) scale = g.op('Add', [scale, g.scalar(1)]);
  return g.op('Mul', [g.op('Mul', [x, inv]), scale]);
}

/** x / ||x|| over the last axis. */
export function l2Norm(g: GraphBuilder, x: string, eps: number): string {
  const ss = g.op('ReduceSum', [g.op('Mul', [x, x]), g.i64([-1])], { keepdims: attr.int(1) });
  return g.op('Div', [x, g.op('Sqrt', [g.op('Add', [ss, g.scalar(eps)])])]);
}

/** SwiGLU MLP: down(silu(gate(x)) * up(x)). */
export function mlp(g: GraphBuilder, rng: Rng, x: string, d: number, inter: number, name: string): string {
  const gate = g.linear(x, weight(rng, d, inter), d, inter, `${name}.gate_proj`);
  const up = g.linear(x, weight(rng, d, inter), d, inter, `${name}.up_proj`);
  const h = g.op('Mul', [silu(g, gate), up]);
  return g.linear(h, weight(rng, inter, d, OUT_GAIN), inter, d, `${name}.down_proj`);
}

export interface Rotary {
  /** [B, 1, S, rotaryDim] */
  cos: string;
  sin: string;
  rotaryDim: number;
}

function invFreq(rotaryDim: number, theta: number): Float32Array {
  const half = rotaryDim / 2;
  return Float32Array.from({ length: half }, (_, j) => 1 / theta ** ((2 * j) / rotaryDim));
}

function rotaryFromFreqs(g: GraphBuilder, freqs: string, rotaryDim: number): Rotary {
  // freqs [B, S, rd/2] → emb [B, 1, S, rd] (the rotate-half layout: both halves share frequencies).
  const emb = g.op('Unsqueeze', [g.op('Concat', [freqs, freqs], { axis: attr.int(-1) }), g.i64([1])]);
  return { cos: g.op('Cos', [emb]), sin: g.op('Sin', [emb]), rotaryDim };
}

/** 1-D RoPE from position_ids [B, S]. */
export function rope1d(g: GraphBuilder, positionIds: string, rotaryDim: number, theta: number): Rotary {
  const pos = g.op('Unsqueeze', [g.op('Cast', [positionIds], { to: attr.int(DT.FLOAT) }), g.i64([-1])]);
  const freqs = g.op('Mul', [pos, g.f32(g.fresh('inv_freq'), invFreq(rotaryDim, theta), [rotaryDim / 2])]);
  return rotaryFromFreqs(g, freqs, rotaryDim);
}

/**
 * Interleaved multimodal RoPE from position_ids [3, B, S] (rows t, h, w), as Qwen3-VL / Qwen3.5:
 * frequency j takes row h when j % 3 == 1 and j < 3·section[1], row w when j % 3 == 2 and
 * j < 3·section[2], else row t.
 */
export function mrope(
  g: GraphBuilder,
  positionIds: string,
  rotaryDim: number,
  theta: number,
  section: [number, number, number],
): Rotary {
  const half = rotaryDim / 2;
  const select = new Float32Array(3 * half);
  for (let j = 0; j < half; j++) {
    let row = 0;
    if (j % 3 === 1 && j < 3 * section[1]) row = 1;
    else if (j % 3 === 2 && j < 3 * section[2]) row = 2;
    select[row * half + j] = 1;
  }
  const pos = g.op('Unsqueeze', [g.op('Cast', [positionIds], { to: attr.int(DT.FLOAT) }), g.i64([-1])]);
  const perRow = g.op('Mul', [pos, g.f32(g.fresh('inv_freq'), invFreq(rotaryDim, theta), [half])]);
  const picked = g.op('Mul', [perRow, g.f32(g.fresh('mrope_select'), select, [3, 1, 1, half])]);
  const freqs = g.op('ReduceSum', [picked, g.i64([0])], { keepdims: attr.int(0) });
  return rotaryFromFreqs(g, freqs, rotaryDim);
}

/** Applies rotate-half RoPE to the first rotaryDim features of x [B, H, S, headDim]. */
function applyRotary(g: GraphBuilder, x: string, r: Rotary, headDim: number): string {
  const rd = r.rotaryDim;
  const xr = rd < headDim ? slice(g, x, 0, rd, -1) : x;
  const x1 = slice(g, xr, 0, rd / 2, -1);
  const x2 = slice(g, xr, rd / 2, rd, -1);
  const rotated = g.op('Concat', [g.op('Neg', [x2]), x1], { axis: attr.int(-1) });
  const out = g.op('Add', [g.op('Mul', [xr, r.cos]), g.op('Mul', [rotated, r.sin])]);
  if (rd === headDim) return out;
  return g.op('Concat', [out, slice(g, x, rd, headDim, -1)], { axis: attr.int(-1) });
}

export interface AttentionConfig {
  hidden: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  eps: number;
  /** Qwen3.5: q_proj also yields a sigmoid output gate per head. */
  gated: boolean;
  /** Qwen3.5 norms scale by 1 + weight. */
  normOffset: 0 | 1;
  /**
   * o_proj gain. Where attention layers dominate (plain Qwen3) keep it near 1: attention averages
   * over the context, and a large gain lets that shared direction pick the same token every step.
   */
  outGain: number;
}

export interface AttentionIo {
  pastKey: string;
  pastValue: string;
  presentKey: string;
  presentValue: string;
  /** int64 [B, past + S] */
  attentionMask: string;
}

/** An RMSNorm over the last axis: `rmsNorm` here, or the fused one of opt-layers.ts. */
export type NormFn = (g: GraphBuilder, x: string, w: Float32Array, eps: number, name: string, offset?: 0 | 1) => string;

/**
 * An attention layer's input projections: q and k normed per head ([B, S, H, hd], [B, S, kvh, hd]),
 * v [B, S, kvh · hd] and the output gate [B, S, H · hd] (Qwen3.5) or null. The weights are drawn in
 * one order (q, k, v, q_norm, k_norm; o_proj last, in `attentionOutput`), so every attention graph
 * built from one seed holds the same weights.
 */
export function attentionProjections(
  g: GraphBuilder,
  rng: Rng,
  x: string,
  c: AttentionConfig,
  name: string,
  norm: NormFn = rmsNorm,
): { q: string; k: string; v: string; gate: string | null } {
  const { hidden: d, heads: h, kvHeads: kvh, headDim: hd } = c;
  const qWidth = h * hd * (c.gated ? 2 : 1);
  let q = g.op('Reshape', [g.linear(x, weight(rng, d, qWidth), d, qWidth, `${name}.q_proj`), g.i64([0, 0, h, -1])]);
  let gate: string | null = null;
  if (c.gated) {
    gate = g.op('Reshape', [slice(g, q, hd, 2 * hd, -1), g.i64([0, 0, h * hd])]);
    q = slice(g, q, 0, hd, -1);
  }
  const k0 = g.linear(x, weight(rng, d, kvh * hd), d, kvh * hd, `${name}.k_proj`);
  const v = g.linear(x, weight(rng, d, kvh * hd), d, kvh * hd, `${name}.v_proj`);
  const ones = (n: number) => rng.normalArray(n, 0.1, c.normOffset ? 0 : 1);
  const qn = norm(g, q, ones(hd), c.eps, `${name}.q_norm.weight`, c.normOffset);
  const kn = norm(g, g.op('Reshape', [k0, g.i64([0, 0, kvh, hd])]), ones(hd), c.eps, `${name}.k_norm.weight`, c.normOffset);
  return { q: qn, k: kn, v, gate };
}

/** The attention output [B, S, H · hd], gated when the layer has a gate, through o_proj. */
export function attentionOutput(g: GraphBuilder, rng: Rng, out: string, gate: string | null, c: AttentionConfig, name: string): string {
  const { hidden: d, heads: h, headDim: hd } = c;
  const o = gate ? g.op('Mul', [out, g.op('Sigmoid', [gate])]) : out;
  return g.linear(o, weight(rng, h * hd, d, c.outGain), h * hd, d, `${name}.o_proj`);
}

/**
 * Causal grouped-query attention with a KV cache: present = concat(past, new) along the sequence,
 * padding masked by attention_mask, query i (absolute position past + i) sees keys 0..past + i.
 */
export function attention(
  g: GraphBuilder,
  rng: Rng,
  x: string,
  c: AttentionConfig,
  rot: Rotary,
  io: AttentionIo,
  name: string,
): string {
  const { heads: h, kvHeads: kvh, headDim: hd } = c;
  const { q: qn, k: kn, v: v0, gate } = attentionProjections(g, rng, x, c, name);
  const perm = { perm: attr.ints([0, 2, 1, 3]) };
  const qt = applyRotary(g, g.op('Transpose', [qn], perm), rot, hd);
  const kt = applyRotary(g, g.op('Transpose', [kn], perm), rot, hd);
  const vt = g.op('Transpose', [g.op('Reshape', [v0, g.i64([0, 0, kvh, hd])])], perm);

  g.node('Concat', [io.pastKey, kt], [io.presentKey], { axis: attr.int(2) });
  g.node('Concat', [io.pastValue, vt], [io.presentValue], { axis: attr.int(2) });

  // Scores per KV group: q [B, kvh, G, S, hd] · k [B, kvh, 1, hd, T] → [B, kvh, G, S, T].
  const groups = h / kvh;
  const q5 = g.op('Reshape', [qt, g.i64([0, kvh, groups, -1, hd])]);
  const k5 = g.op('Unsqueeze', [g.op('Transpose', [io.presentKey], { perm: attr.ints([0, 1, 3, 2]) }), g.i64([2])]);
  const v5 = g.op('Unsqueeze', [io.presentValue, g.i64([2])]);
  const scores = g.op('Mul', [g.op('MatMul', [q5, k5]), g.scalar(1 / Math.sqrt(hd))]);

  const total = g.op('Squeeze', [g.op('Shape', [io.presentKey], { start: attr.int(2), end: attr.int(3) }), g.i64([0])]);
  const seq = g.op('Squeeze', [g.op('Shape', [qt], { start: attr.int(2), end: attr.int(3) }), g.i64([0])]);
  const zero = g.i64([0], []);
  const one = g.i64([1], []);
  const keyPos = g.op('Unsqueeze', [g.op('Range', [zero, total, one]), g.i64([0])]);
  const queryPos = g.op('Unsqueeze', [g.op('Range', [g.op('Sub', [total, seq]), total, one]), g.i64([1])]);
  const causal = g.op('LessOrEqual', [keyPos, queryPos]);
  const notPad = g.op('Unsqueeze', [g.op('Cast', [io.attentionMask], { to: attr.int(DT.BOOL) }), g.i64([1, 2, 3])]);
  const allowed = g.op('And', [causal, notPad]);
  const masked = g.op('Where', [allowed, scores, g.scalar(-1e9)]);
  const probs = g.op('Softmax', [masked], { axis: attr.int(-1) });
  const ctx = g.op('Reshape', [g.op('MatMul', [probs, v5]), g.i64([0, h, -1, hd])]);
  const out = g.op('Reshape', [g.op('Transpose', [ctx], perm), g.i64([0, 0, h * hd])]);
  return attentionOutput(g, rng, out, gate, c, name);
}
