/**
 * tiny-qwen3_5-opt is written in the -OPT export's operators (com.microsoft LinearAttention +
 * CausalConvWithState, GroupQueryAttention + RotaryEmbedding, SimplifiedLayerNormalization,
 * GatherBlockQuantized; asymmetric q4): built from tiny-qwen3_5's weights, it must compute the
 * same function as the standard-operator graph, and plan through the whole pipeline.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import ort from 'onnxruntime-node';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planSchema } from '../../src/planner/plan-schema.ts';
import { Planner } from '../../src/planner/planner.ts';
import { normalizeTools } from '../../src/planner/tools.ts';
import { buildDecoder, buildQwen35 } from '../../scripts/tiny/qwen3_5.ts';
import { handLoop } from '../../scripts/lib/hand-loop.ts';
import { onnxFiles, modelDir, type TinyDtype } from '../../scripts/lib/fixtures.ts';
import { QUERY, TOOLS } from '../../scripts/lib/tools-fixture.ts';

const PROMPT = [9707, 11, 1246, 525, 498, 3351, 30, 358, 1184, 264, 3119, 13, 4710, 262, 330];
const SEED = 1234; // npm run fixtures' default

/**
 * The standard-operator decoder with the -OPT fixture's quantisation. For fp32 that is
 * tiny-qwen3_5's file; for q4 it is built here (tiny-qwen3_5's own q4 is symmetric).
 */
function standardDecoder(dtype: TinyDtype): string | Uint8Array {
  if (dtype === 'fp32') return onnxFiles('tiny-qwen3_5', dtype).decoder;
  const { config, embed } = buildQwen35(SEED, 151936);
  return buildDecoder(config, embed, SEED + 1, 'q4-asym', 'standard');
}

async function run(decoderFile: string | Uint8Array, dtype: TinyDtype) {
  const decoder = await (typeof decoderFile === 'string' ? ort.InferenceSession.create(decoderFile) : ort.InferenceSession.create(decoderFile));
  const embed = await ort.InferenceSession.create(onnxFiles('tiny-qwen3_5-opt', dtype).embed!);
  try {
    const meta = new Map(decoder.inputMetadata.map((m) => [m.name, m]));
    const r = await handLoop({ ort, decoder, embed, prompt: PROMPT, steps: 10, positions: 'consumed' });
    return { ...r, meta };
  } finally {
    await decoder.release();
    await embed.release();
  }
}

describe.each(['fp32', 'q4'] as const)('fused vs Scan linear attention (%s)', (dtype) => {
  it('the graph uses the fused operators and carries the -OPT conv state [B, C, K − 1]', () => {
    const bytes = readFileSync(onnxFiles('tiny-qwen3_5-opt', dtype).decoder).toString('latin1');
    for (const op of ['LinearAttention', 'CausalConvWithState', 'GroupQueryAttention', 'RotaryEmbedding', 'SimplifiedLayerNormalization']) expect(bytes).toContain(op);
    expect(bytes).not.toContain('Scan');
    const embed = readFileSync(onnxFiles('tiny-qwen3_5-opt', dtype).embed!).toString('latin1');
    if (dtype === 'q4') expect(embed).toContain('GatherBlockQuantized');
    const scan = readFileSync(onnxFiles('tiny-qwen3_5', dtype).decoder).toString('latin1');
    expect(scan).not.toContain('LinearAttention');
  });

  it('gives the same tokens and logits, step by step through the cache', async () => {
    const scan = await run(standardDecoder(dtype), dtype);
    const fused = await run(onnxFiles('tiny-qwen3_5-opt', dtype).decoder, dtype);
    const conv = fused.meta.get('past_conv.0') as { shape: readonly (number | string)[] };
    expect(conv.shape).toEqual(['batch_size', 96, 3]);
    expect(fused.tokens).toEqual(scan.tokens);
    expect(new Set(fused.tokens).size).toBeGreaterThan(5);
    scan.logits.forEach((row, step) => {
      let worst = 0;
      let scale = 0;
      row.forEach((v, i) => {
        worst = Math.max(worst, Math.abs(v - fused.logits[step]![i]!));
        scale = Math.max(scale, Math.abs(v));
      });
      // Same math, different summation order: measured ≤ 3.1e-6 of the row's largest logit.
      expect(worst / scale, `step ${step}`).toBeLessThan(2e-5);
    });
  });
});

describe('a plan over the fused-operator model (Planner, onnxruntime-node)', () => {
  let planner: Planner;
  const ajv = new Ajv2020({ strict: false });
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  const validate = ajv.compile(planSchema(normalizeTools(TOOLS), 5));
  beforeAll(async () => {
    planner = await Planner.create({ model: modelDir('tiny-qwen3_5-opt'), dtype: 'q4' });
  });
  afterAll(() => planner?.dispose());

  for (const format of ['steps', 'tool-calls'] as const) {
    it(`is valid in the ${format} format`, async () => {
      for (let seed = 0; seed < 3; seed++) {
        const r = await planner.plan(QUERY, TOOLS, { format, temperature: 1, seed, maxTokens: 256, maxSteps: 3 });
        expect(r.format).toBe(format);
        expect(validate(r.plan), JSON.stringify(validate.errors)).toBe(true);
        expect(r.plan.steps.length).toBeGreaterThan(0);
      }
    });
  }
});
