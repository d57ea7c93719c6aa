/**
 * A model as onnxruntime-genai's model builder exports it (the route for a user's own Qwen3.5
 * fine-tune): genai_config.json, model.onnx + model.onnx.data, input_ids in, 2-D position_ids,
 * past_key_values.i.conv_state / .recurrent_state, no generation_config.json. tiny-qwen3_5-genai
 * holds tiny-qwen3_5-opt's weights in that layout, so both must give the same logits.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel, type Model, type OrtModule } from '../../src/model/index.ts';
import { Planner } from '../../src/planner/planner.ts';
import { MODELS_DIR, modelDir } from '../../scripts/lib/fixtures.ts';
import { argmax } from '../../scripts/lib/hand-loop.ts';
import { QUERY, TOOLS } from '../../scripts/lib/tools-fixture.ts';

const GENAI = `${MODELS_DIR}/tiny-qwen3_5-genai`;
let genai: Model;
let opt: Model;
beforeAll(async () => {
  genai = await loadModel(GENAI);
  opt = await loadModel(modelDir('tiny-qwen3_5-opt'), { dtype: 'q4' });
});
afterAll(async () => {
  await genai?.dispose();
  await opt?.dispose();
});

describe('the onnxruntime-genai layout', () => {
  it('loads model.onnx with its genai cache names, eos from genai_config.json', () => {
    expect(genai.lm.slots.filter((s) => s.kind === 'state').map((s) => s.past)).toEqual([
      'past_key_values.0.conv_state',
      'past_key_values.0.recurrent_state',
      'past_key_values.1.conv_state',
      'past_key_values.1.recurrent_state',
      'past_key_values.2.conv_state',
      'past_key_values.2.recurrent_state',
    ]);
    expect(genai.lm.slots.filter((s) => s.kind === 'kv')).toHaveLength(2);
    expect(genai.lm.sessions.embed).toBeUndefined();
    expect(genai.eosTokenIds).toEqual(opt.eosTokenIds);
    expect(genai.vocabSize).toBe(151936);
  });

  it('gives the -OPT layout’s logits and greedy tokens from the same weights', async () => {
    const prompt = genai.tokenizer.encode('Book a table for two in Porto tomorrow at 8pm and text me the address.');
    let a = await genai.lm.forward(prompt);
    let b = await opt.lm.forward(prompt);
    for (let step = 0; step < 8; step++) {
      let worst = 0;
      let scale = 0;
      for (let i = 0; i < a.length; i++) {
        worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
        scale = Math.max(scale, Math.abs(b[i]!));
      }
      expect(worst / scale, `step ${step}`).toBeLessThan(2e-5);
      const t = argmax(b);
      expect(argmax(a)).toBe(t);
      a = await genai.lm.forward([t]);
      b = await opt.lm.forward([t]);
    }
  });

  it('loads through onnxruntime-web in Node as well: graph and external data go in as bytes, not paths', async () => {
    const web = (await import('onnxruntime-web')) as unknown as OrtModule;
    const m = await loadModel(GENAI, { ort: web });
    try {
      const prompt = [9707, 11, 1246, 525, 498];
      genai.lm.reset();
      const want = await genai.lm.forward(prompt);
      const got = await m.lm.forward(prompt);
      let worst = 0;
      for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(want[i]! - got[i]!));
      expect(worst).toBeLessThan(1e-3);
    } finally {
      await m.dispose();
    }
  });

  it('plans: a valid plan in both formats', async () => {
    const planner = await Planner.create({ model: GENAI });
    try {
      for (const format of ['steps', 'tool-calls'] as const) {
        const r = await planner.plan(QUERY, TOOLS, { format, seed: 1, temperature: 1, maxTokens: 200, maxSteps: 3 });
        expect(r.plan.steps.length).toBeGreaterThan(0);
      }
    } finally {
      await planner.dispose();
    }
  });
});
