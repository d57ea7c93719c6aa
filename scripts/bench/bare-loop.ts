/**
 * The benchmark's floor: greedy decoding straight on `session.run`, with no abstraction — typed
 * feeds built in place, the cache handed back by name, argmax over the last row without a copy.
 * Whatever our loop costs beyond this is overhead.
 */
import type { InferenceSession, Tensor } from 'onnxruntime-common';
import { presentNameOf } from '../../src/model/index.ts';
import type { OrtModule } from '../../src/model/index.ts';
import type { LMSessions } from '../../src/model/causal-lm.ts';

export interface BareTimes {
  ttftMs: number;
  decodeMs: number;
}

function zeros(ort: OrtModule, m: InferenceSession.ValueMetadata): Tensor {
  if (!m.isTensor) throw new Error(`${m.name} is not a tensor`);
  const dims = m.shape.map((d) => (typeof d === 'number' ? d : d === 'batch_size' ? 1 : 0));
  return new ort.Tensor(m.type as 'float32', new Float32Array(dims.reduce((a, b) => a * b, 1)), dims);
}

/** Greedy-decodes `steps` tokens after `prompt`; times the prefill and the rest. */
export async function bareLoop(ort: OrtModule, decoder: InferenceSession, embed: LMSessions['embed'], prompt: readonly number[], steps: number): Promise<BareTimes> {
  const meta = new Map(decoder.inputMetadata.map((m) => [m.name, m]));
  let cache: Record<string, Tensor> = {};
  for (const m of decoder.inputMetadata) if (m.name.startsWith('past_')) cache[m.name] = zeros(ort, m);
  const names = Object.keys(cache);
  const mrope = (meta.get('position_ids') as { shape?: unknown[] } | undefined)?.shape?.length === 3;
  const keep = meta.has('num_logits_to_keep') ? new ort.Tensor('int64', BigInt64Array.of(1n), []) : undefined;
  const t0 = performance.now();
  let ttft = 0;
  let past = 0;
  let next: readonly number[] = prompt;
  for (let step = 0; step < steps; step++) {
    const S = next.length;
    const ids = new ort.Tensor('int64', BigInt64Array.from(next, BigInt), [1, S]);
    const mask = new ort.Tensor('int64', new BigInt64Array(past + S).fill(1n), [1, past + S]);
    const pos = new BigInt64Array(mrope ? 3 * S : S);
    for (let i = 0; i < pos.length; i++) pos[i] = BigInt(past + (i % S));
    const feeds: Record<string, Tensor> = { ...cache, attention_mask: mask, position_ids: new ort.Tensor('int64', pos, mrope ? [3, 1, S] : [1, S]) };
    if (embed) feeds.inputs_embeds = (await embed.run({ input_ids: ids })).inputs_embeds!;
    else feeds.input_ids = ids;
    if (keep) feeds.num_logits_to_keep = keep;
    const out = await decoder.run(feeds);
    const logits = out.logits!;
    const vocab = logits.dims.at(-1)!;
    const data = logits.data as Float32Array;
    let best = 0;
    for (let i = data.length - vocab + 1, b = data.length - vocab; i < data.length; i++) if (data[i]! > data[b + best]!) best = i - b;
    const nextCache: Record<string, Tensor> = {};
    for (const n of names) nextCache[n] = out[presentNameOf(n)]!;
    cache = nextCache;
    past += S;
    next = [best];
    if (step === 0) ttft = performance.now() - t0;
  }
  return { ttftMs: ttft, decodeMs: performance.now() - t0 - ttft };
}
