/**
 * Accessibility and layout of the demo and the tok/s page, checked with axe-core: no serious or
 * critical violations (WCAG 2.1 A/AA rules), the demo usable from the keyboard alone, and
 * screenshots at 390 px (a phone) and 1280 px (a laptop) with nothing wider than the viewport.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { DEMO_URL } from '../playwright.config.ts';

async function offline(page: Page): Promise<void> {
  await page.context().route('**/*', (route) => (route.request().url().startsWith(DEMO_URL) ? route.continue() : route.abort('internetdisconnected')));
}

async function seriousViolations(page: Page): Promise<string[]> {
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

async function noHorizontalScroll(page: Page): Promise<void> {
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
}

for (const [name, path] of [
  ['demo', ''],
  ['tok/s page', 'bench/'],
] as const) {
  test(`${name}: no serious axe violations; 390 px and 1280 px without horizontal scroll`, async ({ page }, info) => {
    await offline(page);
    mkdirSync(info.outputDir, { recursive: true });
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(DEMO_URL + path);
      await page.waitForLoadState('networkidle');
      expect(await seriousViolations(page), `${name} at ${width} px`).toEqual([]);
      if (path) await noHorizontalScroll(page); // the table page scrolls its table, never the page
      else await noHorizontalScroll(page);
      const file = `${name === 'demo' ? 'demo' : 'bench'}-${width}.png`;
      await page.screenshot({ path: info.outputPath(file), fullPage: true });
      if (process.env.UPDATE_DOCS_SCREENSHOT) await page.screenshot({ path: `docs/${file}`, fullPage: true });
    }
  });
}

test('the demo from the keyboard alone: pick WASM, generate, read the plan; no serious violations with a plan shown', async ({ page }) => {
  await offline(page);
  await page.goto(DEMO_URL);
  const focusOn = async (id: string) => {
    for (let i = 0; i < 60; i++) {
      if ((await page.evaluate(() => document.activeElement?.id)) === id) return;
      await page.keyboard.press('Tab');
    }
    throw new Error(`Tab never reached #${id}`);
  };
  await focusOn('device');
  await page.keyboard.press('End'); // the last option: WASM (CPU)
  await expect(page.locator('#device')).toHaveValue('wasm');
  await focusOn('generate');
  await page.keyboard.press('Enter');
  await expect(page.locator('#run-status')).toContainText('Done', { timeout: 180_000 });
  await focusOn('stream'); // the output is reachable (scrollable regions are focusable)
  expect(await page.locator('#cards .card').count()).toBeGreaterThanOrEqual(1);
  expect(await seriousViolations(page)).toEqual([]);
});
