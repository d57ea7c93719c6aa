/**
 * onnxruntime-web runs the tiny models in Chromium on the webgpu EP (SwiftShader here) and on wasm,
 * and both give onnxruntime-node's logits, step by step through the cache.
 */
import { expect, test } from '@playwright/test';
import ort from 'onnxruntime-node';
import { relative } from 'node:path';
import { handLoop } from '../scripts/lib/hand-loop.ts';
import { onnxFiles, TINY_MATRIX } from '../scripts/lib/fixtures.ts';
import type { ParityRun } from './pages/ort-parity.ts';

const PROMPT = [9707, 11, 1246, 525, 498, 3351, 30, 358, 1184, 264, 3119, 13];
const STEPS = 6;
const STRIDE = 61;
/**
 * Largest |Δlogit| allowed, relative to the row's largest |logit|. WASM runs the CPU kernels
 * (measured ≤ 4e-6); WebGPU's WGSL sin/cos/exp and reduction order are looser (measured ≤ 2.2e-4
 * on SwiftShader, worst in the 4 rotary attention layers of tiny-qwen3).
 */
const RTOL = { wasm: 2e-5, webgpu: 5e-4 } as const;

const url = (path: string) => `/${relative(process.cwd(), path)}`;

test.beforeEach(async ({ page }) => {
  await page.goto('/e2e/pages/ort-parity.html');
  await expect(page.locator('#status')).toHaveText('ready');
});

test('the page gets a WebGPU adapter and is cross-origin isolated', async ({ page }) => {
  const info = await page.evaluate(() => window.parity.adapterInfo());
  console.log('WebGPU adapter:', JSON.stringify(info));
  expect(info).not.toBeNull();
  expect(info!.vendor.length + info!.architecture.length).toBeGreaterThan(0);
  expect(await page.evaluate(() => window.parity.crossOriginIsolated)).toBe(true);
});

for (const [name, dtype] of TINY_MATRIX) {
  test(`${name} (${dtype}): webgpu and wasm logits equal onnxruntime-node's`, async ({ page }) => {
    const files = onnxFiles(name, dtype);
    const decoder = await ort.InferenceSession.create(files.decoder);
    const embed = files.embed ? await ort.InferenceSession.create(files.embed) : undefined;
    const ref = await handLoop({ ort, decoder, embed, prompt: PROMPT, steps: STEPS, positions: 'consumed' });
    const web = { decoder: url(files.decoder), embed: files.embed ? url(files.embed) : undefined };
    for (const ep of ['webgpu', 'wasm'] as const) {
      const run: ParityRun = await page.evaluate(
        ([ep, web, prompt, steps, stride]) => window.parity.runParity(ep, web, prompt, steps, stride),
        [ep, web, PROMPT, STEPS, STRIDE] as const,
      );
      // onnxruntime-web's wasm build lacks GatherBlockQuantized, the q4 -OPT embedding's one operator.
      const jsEmbed = ep === 'wasm' && name === 'tiny-qwen3_5-opt' && dtype === 'q4';
      expect(run.embed, `${ep} embedding`).toBe(files.embed ? (jsEmbed ? 'js' : 'session') : 'none');
      expect(run.tokens, `${ep} tokens`).toEqual(ref.tokens);
      run.sampled.forEach((row, step) => {
        const expected = ref.logits[step]!.filter((_, i) => i % STRIDE === 0);
        expect(row.length).toBe(expected.length);
        let worst = 0;
        row.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - expected[i]!))));
        const scale = Math.max(...expected.map(Math.abs));
        expect(worst / scale, `${ep} step ${step}: max |Δlogit| ${worst} of ${scale}`).toBeLessThan(RTOL[ep]);
      });
    }
  });
}
