/**
 * The tiny models are real: Transformers.js loads them from a local folder and generates, and an
 * independent hand-fed onnxruntime-node loop reproduces its tokens.
 */
import { AutoModelForCausalLM, AutoTokenizer, env, type PreTrainedTokenizer } from '@huggingface/transformers';
import ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { handLoop } from '../scripts/lib/hand-loop.ts';
import { isQwen35, MODELS_DIR, modelDir, onnxFiles, TINY_MATRIX } from '../scripts/lib/fixtures.ts';

const PROMPT = 'Search the web for flights to Lisbon, then email the cheapest one to Ana.';
const STEPS = 20;

let tokenizer: PreTrainedTokenizer;
beforeAll(async () => {
  env.localModelPath = `${MODELS_DIR}/`;
  env.allowRemoteModels = false;
  tokenizer = await AutoTokenizer.from_pretrained('tiny-qwen3_5');
});

async function tjsGenerate(name: string, dtype: 'fp32' | 'q4'): Promise<{ prompt: number[]; tokens: number[] }> {
  const model = await AutoModelForCausalLM.from_pretrained(name, { dtype, device: 'cpu' });
  try {
    const inputs = tokenizer(PROMPT);
    const out = await model.generate({ ...inputs, max_new_tokens: STEPS, do_sample: false });
    const all = Array.from((out as { data: BigInt64Array }).data, Number);
    const n = inputs.input_ids.dims[1] as number;
    return { prompt: all.slice(0, n), tokens: all.slice(n) };
  } finally {
    await model.dispose();
  }
}

describe.each(TINY_MATRIX)('%s (%s)', (name, dtype) => {
  it('loads in Transformers.js and its greedy tokens equal a hand-fed onnxruntime-node loop', async () => {
    modelDir(name);
    const tjs = await tjsGenerate(name, dtype);
    expect(tjs.tokens).toHaveLength(STEPS);
    // A random model that only repeats itself would hide cache and position bugs.
    expect(new Set(tjs.tokens).size).toBeGreaterThan(STEPS / 2);

    const files = onnxFiles(name, dtype);
    const decoder = await ort.InferenceSession.create(files.decoder);
    const embed = files.embed ? await ort.InferenceSession.create(files.embed) : undefined;
    try {
      // Transformers.js 4.3 offsets Qwen3.5's decode positions (see the note in hand-loop.ts).
      const positions = isQwen35(name) ? 'tjs-4.3' : 'consumed';
      const mine = await handLoop({ ort, decoder, embed, prompt: tjs.prompt, steps: STEPS, positions });
      expect(mine.tokens).toEqual(tjs.tokens);
    } finally {
      await decoder.release();
      await embed?.release();
    }
  });
});

describe('Transformers.js 4.3 text-only Qwen3.5 decode positions', () => {
  it('are offset by 2L (rope_deltas sign): HF-correct positions give other tokens', async () => {
    const tjs = await tjsGenerate('tiny-qwen3_5', 'fp32');
    const files = onnxFiles('tiny-qwen3_5', 'fp32');
    const decoder = await ort.InferenceSession.create(files.decoder);
    const embed = await ort.InferenceSession.create(files.embed!);
    try {
      const correct = await handLoop({ ort, decoder, embed, prompt: tjs.prompt, steps: STEPS, positions: 'consumed' });
      // The prefill is position-exact in both, so the first token agrees; decoding then diverges.
      expect(correct.tokens[0]).toBe(tjs.tokens[0]);
      expect(correct.tokens).not.toEqual(tjs.tokens);
    } finally {
      await decoder.release();
      await embed.release();
    }
  });
});
