/**
 * The runtime's own loop on every tiny model with onnxruntime-node, against two oracles:
 * an uncached forward over the whole sequence at every step, and Transformers.js generate()
 * (plain-KV model; Qwen3.5 differs from it only by Transformers.js's position offset).
 */
import { AutoModelForCausalLM, AutoTokenizer, env } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decode, loadModel, Sampler, type Model } from '../../src/model/index.ts';
import { isQwen35, MODELS_DIR, modelDir, onnxFiles, TINY_MATRIX } from '../../scripts/lib/fixtures.ts';
import { argmax, handLoop } from '../../scripts/lib/hand-loop.ts';
import ort from 'onnxruntime-node';

const PROMPT = 'Book a table for two in Porto tomorrow at 8pm and text me the address.';

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
function maxAbs(a: Float32Array): number {
  let m = 0;
  for (const v of a) m = Math.max(m, Math.abs(v));
  return m;
}

describe.each(TINY_MATRIX)('%s (%s) on onnxruntime-node', (name, dtype) => {
  let model: Model;
  let prompt: number[];
  beforeAll(async () => {
    model = await loadModel(modelDir(name), { dtype });
    prompt = model.tokenizer.encode(PROMPT);
  });
  afterAll(() => model?.dispose());

  it('reports the device and the cache layout read off the session', () => {
    expect(model.device).toBe('cpu');
    const kinds = model.lm.slots.map((s) => s.kind);
    if (isQwen35(name)) {
      expect(kinds.filter((k) => k === 'state')).toHaveLength(6); // 3 conv + 3 recurrent
      expect(kinds.filter((k) => k === 'kv')).toHaveLength(2);
    } else expect(kinds.every((k) => k === 'kv')).toBe(true);
  });

  it('cached logits equal an uncached forward over the whole sequence, at every step', async () => {
    const lm = model.lm;
    lm.reset();
    let logits = await lm.forward(prompt);
    const seq = [...prompt];
    for (let step = 0; step < 12; step++) {
      const tok = argmax(logits);
      seq.push(tok);
      logits = await lm.forward([tok]);
      const cachedTokens = [...lm.tokens];
      lm.reset();
      const full = await lm.forward(seq);
      expect(maxAbsDiff(logits, full)).toBeLessThan(1e-4 * Math.max(1, maxAbs(full)));
      // Back to the cached state: rerun the cached path to continue.
      lm.reset();
      await lm.forward(cachedTokens.slice(0, -1));
      logits = await lm.forward([tok]);
    }
  });

  it('one forward over several tokens equals feeding them one by one', async () => {
    const lm = model.lm;
    lm.reset();
    await lm.forward(prompt);
    const extra = model.tokenizer.encode('{"steps":[{"id":1,');
    const one = await lm.forward(extra);
    lm.reset();
    await lm.forward(prompt);
    let last: Float32Array = new Float32Array();
    for (const t of extra) last = await lm.forward([t]);
    expect(maxAbsDiff(one, last)).toBeLessThan(1e-4 * Math.max(1, maxAbs(last)));
  });

  it('a long run (chunked where the graph has logits for every position) equals feeding it in pieces', async () => {
    const lm = model.lm;
    const long = Array.from({ length: 300 }, (_, i) => 200 + ((i * 31) % 3000));
    lm.reset();
    const whole = await lm.forward(long);
    lm.reset();
    let last: Float32Array = new Float32Array();
    for (let at = 0; at < long.length; at += 37) last = await lm.forward(long.slice(at, at + 37));
    expect(maxAbsDiff(whole, last)).toBeLessThan(1e-3 * Math.max(1, maxAbs(last)));
  });

  it('greedy decode equals the hand-fed loop with positions = tokens consumed', async () => {
    const it = decode(model.lm, prompt, { sampler: new Sampler(), maxNewTokens: 16, stopTokens: [] });
    const mine: number[] = [];
    let r = await it.next();
    while (!r.done) {
      mine.push(r.value.token);
      r = await it.next();
    }
    expect(r.value.forwardPasses).toBe(16); // prefill + 15 decode steps
    const files = onnxFiles(name, dtype);
    const decoder = await ort.InferenceSession.create(files.decoder);
    const embed = files.embed ? await ort.InferenceSession.create(files.embed) : undefined;
    try {
      const ref = await handLoop({ ort, decoder, embed, prompt, steps: 16, positions: 'consumed' });
      expect(mine).toEqual(ref.tokens);
    } finally {
      await decoder.release();
      await embed?.release();
    }
  });

  it('a restored prefix snapshot gives the same logits as prefilling the whole prompt', async () => {
    const lm = model.lm;
    const prefix = prompt.slice(0, 8);
    lm.reset();
    await lm.forward(prefix);
    const snap = await lm.snapshot();
    expect(snap.tokens).toEqual(prefix);
    expect(snap.bytes).toBeGreaterThan(0);
    await lm.forward(prompt.slice(8)); // move on, then come back twice
    lm.restore(snap);
    const fromSnap = await lm.forward(prompt.slice(8));
    lm.restore(snap);
    const again = await lm.forward(prompt.slice(8));
    lm.reset();
    const full = await lm.forward(prompt);
    expect(maxAbsDiff(fromSnap, full)).toBeLessThan(1e-4 * Math.max(1, maxAbs(full)));
    expect(maxAbsDiff(again, full)).toBeLessThan(1e-4 * Math.max(1, maxAbs(full)));
  });
});

describe('plain-KV tiny model against Transformers.js generate()', () => {
  beforeAll(() => {
    env.localModelPath = `${MODELS_DIR}/`;
    env.allowRemoteModels = false;
  });

  it('greedy tokens are identical', async () => {
    const tok = await AutoTokenizer.from_pretrained('tiny-qwen3');
    const tjsModel = await AutoModelForCausalLM.from_pretrained('tiny-qwen3', { dtype: 'fp32', device: 'cpu' });
    const model = await loadModel(modelDir('tiny-qwen3'), { dtype: 'fp32' });
    try {
      const inputs = tok(PROMPT);
      const out = await tjsModel.generate({ ...inputs, max_new_tokens: 20, do_sample: false });
      const all = Array.from((out as { data: BigInt64Array }).data, Number);
      const n = inputs.input_ids.dims[1] as number;
      const prompt = all.slice(0, n);
      expect(model.tokenizer.encode(PROMPT)).toEqual(prompt);
      const it = decode(model.lm, prompt, { sampler: new Sampler(), maxNewTokens: 20, stopTokens: [] });
      const mine: number[] = [];
      for (let r = await it.next(); !r.done; r = await it.next()) mine.push(r.value.token);
      expect(mine).toEqual(all.slice(n));
    } finally {
      await tjsModel.dispose();
      await model.dispose();
    }
  });
});
