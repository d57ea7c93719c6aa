/**
 * The demo driven as a person would: built as a static site, served, used offline with the
 * embedded tiny model on WASM (SwiftShader WebGPU is too slow here for a whole plan).
 */
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { DEMO_URL } from '../playwright.config.ts';

const HUB_LISTING = 'https://huggingface.co/api/models/';

/** Fails any request that leaves the demo's own origin: the demo must work offline. */
async function offline(page: Page): Promise<string[]> {
  const outside: string[] = [];
  await page.context().route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(DEMO_URL) || url.startsWith('blob:') || url.startsWith('data:')) return route.continue();
    // The page asks the Hub for the real model's size (its reachability probe); offline, that fails and the embedded model stays.
    if (url.startsWith(HUB_LISTING)) return route.abort('internetdisconnected');
    outside.push(url);
    return route.abort('internetdisconnected');
  });
  return outside;
}

async function openDemo(page: Page): Promise<string[]> {
  const outside = await offline(page);
  await page.goto(DEMO_URL);
  await page.getByLabel('Device').selectOption('wasm');
  return outside;
}

async function planSteps(page: Page): Promise<{ id: number; tool: string; depends_on: number[] }[]> {
  await page.getByText('Plan JSON').click();
  return (JSON.parse(await page.locator('#json').textContent() ?? '') as { steps: { id: number; tool: string; depends_on: number[] }[] }).steps;
}

test('pick a preset, type a query, generate: a plan graph with one node per step, offline', async ({ page }, info) => {
  const outside = await openDemo(page);
  await page.getByLabel('Preset').selectOption({ label: 'Calendar' });
  await expect(page.getByLabel('Tool definitions', { exact: false })).toHaveValue(/create_event/);
  await page.getByLabel('What should be done?').fill('Book a 30 minute call with bo@example.com tomorrow at 10:00');
  await page.getByRole('button', { name: 'Generate plan' }).click();

  await expect(page.locator('#run-status')).toContainText('Done', { timeout: 120_000 });
  await expect(page.locator('#backend')).toContainText('WASM');
  // Each model file got a progress row that finished.
  const files = page.locator('#files li');
  expect(await files.count()).toBeGreaterThanOrEqual(4);
  for (const t of await files.locator('.bytes').allTextContents()) expect(t).toMatch(/^(done|from cache)$/);

  const steps = await planSteps(page);
  expect(steps.length).toBeGreaterThanOrEqual(1);
  await expect(page.locator('#graph .node')).toHaveCount(steps.length);
  await expect(page.locator('#cards .card')).toHaveCount(steps.length);
  const edges = steps.reduce((n, s) => n + s.depends_on.length, 0);
  await expect(page.locator('#graph .edge')).toHaveCount(edges);
  for (const s of steps) expect(['list_events', 'create_event', 'cancel_event']).toContain(s.tool);
  expect(Number(await page.locator('#f-tokens').textContent())).toBeGreaterThan(0);
  expect(await page.locator('#f-first').textContent()).toMatch(/^\d+ ms$/);
  expect(outside).toEqual([]);

  mkdirSync(info.outputDir, { recursive: true });
  await page.screenshot({ path: info.outputPath('demo-desktop.png'), fullPage: true });
  if (process.env.UPDATE_DOCS_SCREENSHOT) await page.screenshot({ path: 'docs/demo.png', fullPage: true });

  // The embedded model's native syntax (its template asks for XML calls), converted to the same plan view.
  await page.getByLabel('Format').selectOption('tool-calls');
  await page.getByRole('button', { name: 'Generate plan' }).click();
  await expect(page.locator('#run-status')).toContainText('Done', { timeout: 120_000 });
  expect(await page.locator('#stream').textContent()).toMatch(/^<tool_call>\n<function=(list_events|create_event|cancel_event)>\n/);
  const calls = await planSteps(page);
  expect(calls.length).toBeGreaterThanOrEqual(1);
  for (const c of calls) expect(c.depends_on).toEqual([]);
  await expect(page.locator('#graph .node')).toHaveCount(calls.length);
  await expect(page.locator('#cards .card')).toHaveCount(calls.length);
  expect(outside).toEqual([]);

  await page.setViewportSize({ width: 390, height: 844 });
  // Phone width: nothing wider than the screen.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: info.outputPath('demo-phone.png'), fullPage: true });
});

test('Stop aborts a run mid-generation; the next run works; nothing below the output moves while streaming', async ({ page }) => {
  await openDemo(page);
  await page.getByRole('button', { name: 'Load model' }).click();
  await expect(page.locator('#backend')).toContainText('Running on', { timeout: 120_000 });
  const graphTop = () => page.evaluate(() => document.querySelector('.graph-box')!.getBoundingClientRect().top + scrollY);
  const before = await graphTop();
  // A person presses Stop while tokens stream; the page clicks it on the first token to avoid a race
  // with a fast tiny model.
  await page.evaluate(() => {
    const pre = document.getElementById('stream')!;
    const tops: number[] = [];
    (window as unknown as { tops: number[] }).tops = tops;
    new MutationObserver((_, obs) => {
      tops.push(document.querySelector('.graph-box')!.getBoundingClientRect().top + scrollY);
      if (tops.length === 3) {
        (document.getElementById('stop') as HTMLButtonElement).click();
        obs.disconnect();
      }
    }).observe(pre, { childList: true, characterData: true, subtree: true });
  });
  await page.getByRole('button', { name: 'Generate plan' }).click();
  await expect(page.locator('#run-status')).toContainText('Stopped', { timeout: 60_000 });
  await expect(page.getByRole('button', { name: 'Stop' })).toBeDisabled();
  expect(await page.locator('#json').textContent()).toBe('');
  const tops = await page.evaluate(() => (window as unknown as { tops: number[] }).tops);
  expect(tops.length).toBe(3);
  for (const t of tops) expect(Math.abs(t - before)).toBeLessThan(1);

  // Keyboard only: focus the button and press Enter.
  await page.getByRole('button', { name: 'Generate plan' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('#run-status')).toContainText('Done', { timeout: 120_000 });
  expect((await planSteps(page)).length).toBeGreaterThanOrEqual(1);
  expect(Math.abs((await graphTop()) - before)).toBeLessThan(1);
});

test('a pasted broken tool shows the typed error inline and blocks Generate', async ({ page }) => {
  await openDemo(page);
  const editor = page.getByLabel('Tool definitions', { exact: false });
  const status = page.locator('#tools-status');
  const generate = page.getByRole('button', { name: 'Generate plan' });
  await expect(generate).toBeEnabled();

  await editor.fill('[{"name": "upload", "inputSchema": {"type": "object", "properties": {"data": {"type": "number", "multipleOf": 0.5}}}}]');
  await expect(status).toContainText('ToolDefinitionError');
  await expect(status).toContainText('upload');
  await expect(status).toContainText('/properties/data');
  await expect(editor).toHaveAttribute('aria-invalid', 'true');
  await expect(generate).toBeDisabled();

  await editor.fill('[{"name": "upload", ');
  await expect(status).toContainText('Not JSON');

  await editor.fill('[{"type": "function", "function": {"name": "upload", "parameters": {"type": "object", "properties": {"data": {"type": "string"}}}}}]');
  await expect(status).toHaveText('1 tool: upload');
  await expect(editor).not.toHaveAttribute('aria-invalid');
  await expect(generate).toBeEnabled();
});

test('with the Hub reachable the real model is the default, its download size shown first; "Other" takes any URL or hub id', async ({ page }) => {
  // The Hub's file listing, answered here (no network): two q4 graph files and files the demo does not load.
  const listing = [
    { type: 'file', path: 'onnx/decoder_model_merged_q4.onnx', size: 300_000, lfs: { size: 300_000 } },
    { type: 'file', path: 'onnx/decoder_model_merged_q4.onnx_data', size: 134, lfs: { size: 420_000_000 } },
    { type: 'file', path: 'onnx/embed_tokens_q4.onnx', size: 134, lfs: { size: 100_000_000 } },
    { type: 'file', path: 'onnx/decoder_model_merged_fp16.onnx', size: 134, lfs: { size: 1_600_000_000 } },
    { type: 'file', path: 'onnx/vision_encoder_q4.onnx', size: 134, lfs: { size: 90_000_000 } },
    { type: 'file', path: 'onnx/decoder_model_merged_quantized.onnx', size: 400_000, lfs: { size: 400_000 } },
    { type: 'file', path: 'onnx/decoder_model_merged_quantized.onnx_data', size: 134, lfs: { size: 770_000_000 } },
    { type: 'file', path: 'onnx/embed_tokens_quantized.onnx', size: 134, lfs: { size: 254_000_000 } },
  ];
  await page.context().route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(DEMO_URL)) return route.continue();
    if (url === `${HUB_LISTING}onnx-community/Qwen3.5-0.8B-ONNX-OPT/tree/main/onnx`) return route.fulfill({ json: listing });
    return route.abort('internetdisconnected');
  });
  await page.goto(DEMO_URL);
  await expect(page.locator('#model')).toHaveValue('qwen35-opt');
  await expect(page.locator('#model-note')).toHaveText(/^520 MB to download \(q4, 3 files\)/);
  // On WASM the loader takes the q8 graphs the repo has: the size follows the device.
  await page.locator('#device').selectOption('wasm');
  await expect(page.locator('#model-note')).toHaveText(/^1,024 MB to download \(q8, 3 files\)/);
  await page.locator('#device').selectOption('webgpu');
  await expect(page.locator('#model-note')).toHaveText(/^520 MB to download \(q4, 3 files\)/);
  await page.locator('#model').selectOption('tiny');
  await expect(page.locator('#model-note')).toContainText('random weights');
  await page.locator('#model').selectOption('custom');
  await expect(page.getByLabel('Model URL or hub id')).toBeVisible();
});
