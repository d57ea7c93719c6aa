/** NaN / +Infinity logits are a typed model error, not a grammar dead end; -Infinity is allowed. */
import ort from 'onnxruntime-node';
import type { InferenceSession } from 'onnxruntime-common';
import { describe, expect, it } from 'vitest';
import { CausalLM, NonFiniteLogitsError } from '../../src/model/index.ts';
import { ToolplanError } from '../../src/shared/toolplan-error.ts';
import { modelDir } from '../../scripts/lib/fixtures.ts';

/** The real tiny-qwen3 session, with `poison` applied to each logits tensor it returns. */
async function poisoned(poison: (logits: Float32Array) => void): Promise<CausalLM> {
  const real = await ort.InferenceSession.create(`${modelDir('tiny-qwen3')}/onnx/model_q4.onnx`);
  const session = {
    inputNames: real.inputNames,
    outputNames: real.outputNames,
    inputMetadata: real.inputMetadata,
    outputMetadata: real.outputMetadata,
    async run(feeds: InferenceSession.FeedsType) {
      const out = await real.run(feeds);
      poison(out.logits!.data as Float32Array);
      return out;
    },
    release: () => real.release(),
  } as unknown as InferenceSession;
  return new CausalLM(ort, { decoder: session });
}

describe('non-finite logits', () => {
  it('NaN or +Infinity anywhere in the row is NonFiniteLogitsError with the count', async () => {
    for (const [value, at] of [[NaN, 7], [Infinity, 100_000]] as const) {
      const lm = await poisoned((l) => (l[l.length - at] = value));
      const err = await lm.forward([1, 2, 3]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NonFiniteLogitsError);
      expect(err).toBeInstanceOf(ToolplanError);
      expect((err as NonFiniteLogitsError).count).toBe(1);
      await lm.dispose();
    }
  });

  it('-Infinity (a masked logit) passes', async () => {
    const lm = await poisoned((l) => l.fill(-Infinity, l.length - 151_936, l.length - 151_936 + 1000)); // the last row's first ids
    const row = await lm.forward([1, 2, 3]);
    expect(row[0]).toBe(-Infinity);
    await lm.dispose();
  });
});
