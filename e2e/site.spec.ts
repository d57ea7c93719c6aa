/**
 * The demo site as GitHub Pages hosts it: the static build (`npm run build:site`, made by the demo's
 * web server before the tests) under a sub-path, from a plain host with no COOP/COEP headers, offline.
 * It must plan on the embedded model (WASM, single-threaded without isolation) and serve the tok/s table.
 */
import { expect, test } from '@playwright/test';
import { resolve } from 'node:path';
import { serveFolder, type StaticHost } from '../scripts/lib/static-host.ts';

let host: StaticHost;
test.beforeAll(async () => {
  host = await serveFolder(resolve(import.meta.dirname, '../dist-demo'), 0, '/toolplan/');
});
test.afterAll(() => host?.stop());

test('on a sub-path without COOP/COEP: not cross-origin isolated, plans on the embedded model, nothing fetched outside it', async ({ page }) => {
  const outside: string[] = [];
  await page.context().route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(host.url) || url.startsWith('blob:') || url.startsWith('data:')) return route.continue();
    // The Hub probe (the real model's size) fails offline: the embedded model stays the default.
    if (url.startsWith('https://huggingface.co/api/models/')) return route.abort('internetdisconnected');
    outside.push(url);
    return route.abort('internetdisconnected');
  });
  const res = await page.goto(host.url);
  expect(res?.headers()['cross-origin-embedder-policy']).toBeUndefined();
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
  await page.getByLabel('Device').selectOption('wasm');
  await page.getByRole('button', { name: 'Generate plan' }).click();
  await expect(page.locator('#run-status')).toContainText('Done', { timeout: 180_000 });
  await expect(page.locator('#backend')).toContainText('WASM');
  await page.getByText('Plan JSON').click();
  const plan = JSON.parse((await page.locator('#json').textContent()) ?? '') as { steps: unknown[] };
  expect(plan.steps.length).toBeGreaterThanOrEqual(1);
  expect(outside).toEqual([]);
  expect(host.output()).not.toMatch(/outside/);
});

test('the tok/s per GPU page is linked from the demo and lists the stored results', async ({ page }) => {
  await page.goto(host.url);
  await page.getByRole('link', { name: 'tok/s per GPU' }).click();
  await expect(page).toHaveURL(`${host.url}bench/`);
  await expect(page.getByRole('table')).toBeVisible();
  expect(await page.locator('tbody tr').count()).toBeGreaterThanOrEqual(1);
  await expect(page.getByRole('img', { name: /Bar chart/ })).toBeVisible();
});
