/**
 * (b) Vite: a fresh app with no vite config at all, the tarball and the same Vite major as the
 * repo. `vite build` + `vite preview`, then the dev server, each loaded in Chromium.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BROWSER_MAIN_JS, indexHtml } from './app-src.ts';
import { expectPlanInPage, type Loaded } from './browser.ts';
import { chunkSizes, formatSizes } from './sizes.ts';
import { copyModel, expectExit0, freePort, initApp, kB, npmInstall, npx, reports, sameMajor, skip, startServer, step } from './util.ts';

const PAGE_TIMEOUT = Number(process.env.SMOKE_PAGE_TIMEOUT_MS ?? 120_000);

async function servePage(dir: string, args: string[], loaded?: Loaded): Promise<string> {
  const port = await freePort();
  const cmd = ['--no', '--', 'vite', ...args, '--port', String(port), '--host', '127.0.0.1', '--strictPort'];
  const server = await startServer('npx', cmd, { cwd: dir, url: `http://127.0.0.1:${port}/`, timeoutMs: 60_000 });
  try {
    return await expectPlanInPage(server.url, PAGE_TIMEOUT, loaded, server.output);
  } finally {
    await server.stop();
  }
}

export async function viteApp(tarball: string): Promise<void> {
  let dir = '';
  const vite = `vite@${sameMajor('vite')}`;
  const installed = await step('vite: npm install', async () => {
    dir = await initApp('vite-app');
    const added = await npmInstall(dir, [tarball, vite]);
    writeFileSync(join(dir, 'index.html'), indexHtml(true));
    writeFileSync(join(dir, 'main.js'), BROWSER_MAIN_JS);
    mkdirSync(join(dir, 'public/models'), { recursive: true });
    copyModel(join(dir, 'public/models/tiny-qwen3_5'));
    return `${vite}: ${added}`;
  });
  if (!installed) {
    for (const s of ['vite: build', 'vite: preview page', 'vite: dev page']) skip(s, 'install failed');
    return;
  }
  const built = await step('vite: build', async () => {
    const r = await npx(dir, ['vite', 'build'], 240_000, { NO_COLOR: '1' });
    expectExit0(r, ['npx', 'vite', 'build']);
    // Vite builds through warnings (e.g. a node: module "externalized for browser compatibility").
    const warnings = (r.stdout + '\n' + r.stderr).split('\n').filter((l) => /warn|externalized|\(!\)/i.test(l) && !/^npm warn/.test(l));
    if (warnings.length) reports.push(`vite build warnings:\n${warnings.map((w) => `  ${w.trim()}`).join('\n')}`);
    const s = chunkSizes(join(dir, 'dist'));
    return `main thread ${kB(s.total.main)} gz up front (+${kB(s.total['main-lazy'])} lazy), worker ${kB(s.total.worker)} gz${warnings.length ? `, ${warnings.length} warning line(s) (below)` : ''}`;
  });
  const loaded: Loaded = { js: [], workers: [] };
  if (built) {
    await step('vite: preview page', () => servePage(dir, ['preview'], loaded));
    reports.push(formatSizes('vite build: what the page loads', chunkSizes(join(dir, 'dist'), loaded.workers)));
    if (loaded.js.length) reports.push(`vite preview: JS the browser fetched: ${loaded.js.join(' ')}; worker script(s): ${loaded.workers.join(' ') || 'none started'}`);
  } else skip('vite: preview page', 'build failed');
  await step('vite: dev page', () => servePage(dir, []));
}
