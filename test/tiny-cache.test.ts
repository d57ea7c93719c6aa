/**
 * The tiny models' caches are real state: each one carries information between steps, and a cached
 * step gives the logits of an uncached forward over the whole sequence.
 */
import ort from 'onnxruntime-node';
import type { Tensor } from 'onnxruntime-common';
import { describe, expect, it } from 'vitest';
import { handLoop, int64, presentName, zeroCache } from '../scripts/lib/hand-loop.ts';
import { onnxFiles, TINY_MATRIX } from '../scripts/lib/fixtures.ts';

const PROMPT = [9707, 11, 1246, 525, 498, 3351, 30, 358, 1184, 264, 3119, 13];

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

async function sessions(name: (typeof TINY_MATRIX)[number][0], dtype: (typeof TINY_MATRIX)[number][1]) {
  const files = onnxFiles(name, dtype);
  return {
    decoder: await ort.InferenceSession.create(files.decoder),
    embed: files.embed ? await ort.InferenceSession.create(files.embed) : undefined,
  };
}

/** One uncached forward over `ids`, returning every position's logits. */
async function fullForward(
  s: Awaited<ReturnType<typeof sessions>>,
  ids: number[],
): Promise<Float32Array[]> {
  const S = ids.length;
  const i64 = (v: number[], dims: number[]) => int64(ort, v, dims);
  const pos = ids.map((_, i) => i);
  const feeds: Record<string, Tensor> = { ...zeroCache(ort, s.decoder), attention_mask: i64(ids.map(() => 1), [1, S]) };
  if (s.embed) {
    feeds.inputs_embeds = (await s.embed.run({ input_ids: i64(ids, [1, S]) })).inputs_embeds!;
    feeds.position_ids = i64([...pos, ...pos, ...pos], [3, 1, S]);
    feeds.num_logits_to_keep = i64([0], []);
  } else {
    feeds.input_ids = i64(ids, [1, S]);
    feeds.position_ids = i64(pos, [1, S]);
  }
  const logits = (await s.decoder.run(feeds)).logits!;
  const vocab = logits.dims[2]!;
  const data = logits.data as Float32Array;
  return ids.map((_, i) => data.slice(i * vocab, (i + 1) * vocab));
}

describe.each(TINY_MATRIX)('%s (%s)', (name, dtype) => {
  it('cached decode steps equal an uncached forward over the whole sequence', async () => {
    const s = await sessions(name, dtype);
    const run = await handLoop({ ort, ...s, prompt: PROMPT, steps: 12, positions: 'consumed' });
    const seq = [...PROMPT, ...run.tokens.slice(0, -1)];
    const full = await fullForward(s, seq);
    run.logits.forEach((row, step) => {
      expect(maxAbsDiff(row, full[PROMPT.length - 1 + step]!)).toBeLessThan(1e-3);
    });
  });

  it('every cache tensor carries information: zeroing it changes the next logits', async () => {
    const s = await sessions(name, dtype);
    const i64 = (v: number[], dims: number[]) => int64(ort, v, dims);
    const L = PROMPT.length;
    const first = await handLoop({ ort, ...s, prompt: PROMPT, steps: 1 });
    // Re-run the prefill to get its cache, then one decode step with each cache input zeroed in turn.
    const prefillFeeds = zeroCache(ort, s.decoder);
    const mrope = s.embed !== undefined;
    const stepFeeds = async (ids: number[], start: number, total: number): Promise<Record<string, Tensor>> => {
      const p = ids.map((_, i) => start + i);
      const f: Record<string, Tensor> = { attention_mask: i64(new Array(total).fill(1), [1, total]) };
      if (mrope) {
        f.inputs_embeds = (await s.embed!.run({ input_ids: i64(ids, [1, ids.length]) })).inputs_embeds!;
        f.position_ids = i64([...p, ...p, ...p], [3, 1, ids.length]);
        f.num_logits_to_keep = i64([1], []);
      } else {
        f.input_ids = i64(ids, [1, ids.length]);
        f.position_ids = i64(p, [1, ids.length]);
      }
      return f;
    };
    const pre = await s.decoder.run({ ...prefillFeeds, ...(await stepFeeds(PROMPT, 0, L)) });
    const cacheNames = Object.keys(prefillFeeds);
    const base: Record<string, Tensor> = Object.fromEntries(cacheNames.map((n) => [n, pre[presentName(n)]!]));
    const next = await stepFeeds([first.tokens[0]!], L, L + 1);
    const ref = (await s.decoder.run({ ...base, ...next })).logits!.data as Float32Array;
    for (const n of cacheNames) {
      const t = base[n]!;
      const zeroed = new ort.Tensor('float32', new Float32Array(t.data.length), t.dims);
      const got = (await s.decoder.run({ ...base, [n]: zeroed, ...next })).logits!.data as Float32Array;
      expect(maxAbsDiff(got, ref), `${n} made no difference`).toBeGreaterThan(1e-2);
    }
    expect(cacheNames.length).toBeGreaterThan(0);
  });
});
