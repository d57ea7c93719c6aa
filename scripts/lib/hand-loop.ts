/**
 * A deliberately plain greedy decode loop over raw ONNX sessions, feeding the cache back by hand.
 * It is the independent reference for Transformers.js's generate() on the tiny models, and works
 * with any onnxruntime flavour (node, web) passed in.
 */
import type { InferenceSession, Tensor } from 'onnxruntime-common';

export interface OrtLike {
  Tensor: typeof Tensor;
}

/**
 * Decode positions for Qwen3.5's 3-row MRoPE after a prompt of length L:
 * - 'consumed': position = number of tokens consumed (HF Python's behaviour);
 * - 'tjs-4.3': Transformers.js 4.3's text-only rope_deltas (max + 1 + L instead of max + 1 − L),
 *   so decode positions run 3L, 3L + 1, …
 */
export type PositionMode = 'consumed' | 'tjs-4.3';

export interface HandLoopOptions {
  ort: OrtLike;
  decoder: InferenceSession;
  /** Present for Qwen3.5-style exports that take inputs_embeds (a session or toolplan's JS lookup). */
  embed?: { run(feeds: Record<string, Tensor>): Promise<Record<string, Tensor>> } | undefined;
  prompt: number[];
  steps: number;
  positions?: PositionMode;
}

export interface HandLoopResult {
  tokens: number[];
  /** Last-position logits of each step (step 0 = prefill). */
  logits: Float32Array[];
}

function zerosFor(ort: OrtLike, meta: InferenceSession.ValueMetadata): Tensor {
  if (!meta.isTensor) throw new Error(`${meta.name} is not a tensor input`);
  // batch_size → 1; every other symbolic dim (the past length) → 0, as Transformers.js does.
  const dims = meta.shape.map((d) => (typeof d === 'number' ? d : d === 'batch_size' ? 1 : 0));
  const size = dims.reduce((a, b) => a * b, 1);
  if (meta.type !== 'float32') throw new Error(`unexpected cache dtype ${meta.type}`);
  return new ort.Tensor('float32', new Float32Array(size), dims);
}

export function int64(ort: OrtLike, values: number[], dims: number[]): Tensor {
  return new ort.Tensor('int64', BigInt64Array.from(values.map(BigInt)), dims);
}

function lastRow(logits: Tensor): Float32Array {
  const [, seq, vocab] = logits.dims as [number, number, number];
  return (logits.data as Float32Array).slice((seq - 1) * vocab, seq * vocab);
}

export function argmax(row: Float32Array): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i]! > row[best]!) best = i;
  return best;
}

/** The empty cache of a decoder: a zero tensor for every past_* input. */
export function zeroCache(ort: OrtLike, decoder: InferenceSession): Record<string, Tensor> {
  const cache: Record<string, Tensor> = {};
  for (const m of decoder.inputMetadata) if (m.name.startsWith('past_')) cache[m.name] = zerosFor(ort, m);
  return cache;
}

/** past_key_values.i.* → present.i.*, past_conv.i → present_conv.i, past_recurrent.i → present_recurrent.i */
export function presentName(past: string): string {
  return past.replace(/^past_key_values\./, 'present.').replace(/^past_/, 'present_');
}

export async function handLoop(o: HandLoopOptions): Promise<HandLoopResult> {
  const { ort, decoder, embed } = o;
  const meta = new Map(decoder.inputMetadata.map((m) => [m.name, m]));
  let cache = zeroCache(ort, decoder);
  const cacheInputs = Object.keys(cache);

  const L = o.prompt.length;
  const mrope = (meta.get('position_ids') as { shape?: unknown[] } | undefined)?.shape?.length === 3;
  const tokens: number[] = [];
  const logits: Float32Array[] = [];
  let consumed = 0;
  let next = o.prompt;
  for (let step = 0; step <= o.steps - 1; step++) {
    const S = next.length;
    let start = consumed;
    if (step > 0 && o.positions === 'tjs-4.3') start = consumed + 2 * L; // past + max + 1 + L
    const pos = Array.from({ length: S }, (_, i) => start + i);
    const feeds: Record<string, Tensor> = {
      ...cache,
      attention_mask: int64(ort, new Array(consumed + S).fill(1), [1, consumed + S]),
      position_ids: mrope ? int64(ort, [...pos, ...pos, ...pos], [3, 1, S]) : int64(ort, pos, [1, S]),
    };
    if (embed) {
      const out = await embed.run({ input_ids: int64(ort, next, [1, S]) });
      feeds.inputs_embeds = out.inputs_embeds!;
    } else {
      feeds.input_ids = int64(ort, next, [1, S]);
    }
    if (meta.has('num_logits_to_keep')) feeds.num_logits_to_keep = int64(ort, [1], []);
    const out = await decoder.run(feeds);
    const row = lastRow(out.logits!);
    logits.push(row);
    const tok = argmax(row);
    tokens.push(tok);
    const nextCache: Record<string, Tensor> = {};
    for (const n of cacheInputs) nextCache[n] = out[presentName(n)]!;
    cache = nextCache;
    consumed += S;
    next = [tok];
  }
  return { tokens, logits };
}
