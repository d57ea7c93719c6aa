/**
 * (c) webpack 5: the same page bundled with a config of entry/output/mode/html plugin only (no
 * alias, fallback or plugin for toolplan), served by a plain static server.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BROWSER_MAIN_JS, indexHtml } from './app-src.ts';
import { expectPlanInPage, type Loaded } from './browser.ts';
import { chunkSizes, formatSizes } from './sizes.ts';
import { copyModel, expectExit0, freePort, initApp, kB, npmInstall, npx, reports, serveStatic, skip, step } from './util.ts';

const PAGE_TIMEOUT = Number(process.env.SMOKE_PAGE_TIMEOUT_MS ?? 120_000);

const CONFIG = `import HtmlWebpackPlugin from 'html-webpack-plugin';
import { resolve } from 'node:path';

export default {
  mode: 'production',
  entry: './src/main.js',
  output: { path: resolve(import.meta.dirname, 'dist'), clean: true },
  plugins: [new HtmlWebpackPlugin({ template: './src/index.html' })],
};
`;

export async function webpackApp(tarball: string): Promise<void> {
  let dir = '';
  const installed = await step('webpack: npm install', async () => {
    dir = await initApp('webpack-app');
    const added = await npmInstall(dir, [tarball, 'webpack@^5', 'webpack-cli', 'html-webpack-plugin']);
    mkdirSync(join(dir, 'src'), { recursive: true });
    writeFileSync(join(dir, 'src/index.html'), indexHtml(false));
    writeFileSync(join(dir, 'src/main.js'), BROWSER_MAIN_JS);
    writeFileSync(join(dir, 'webpack.config.js'), CONFIG);
    return added;
  });
  if (!installed) {
    for (const s of ['webpack: build', 'webpack: page']) skip(s, 'install failed');
    return;
  }
  const built = await step('webpack: build', async () => {
    const r = await npx(dir, ['webpack'], 240_000, { NO_COLOR: '1' });
    expectExit0(r, ['npx', 'webpack']);
    // webpack exits 0 on warnings; those other than its size hints are worth reading.
    const warnings = r.stdout.split(/\n(?=WARNING in |ERROR in )/).filter((b) => b.startsWith('WARNING in ') && !/size limit|performance recommendations/.test(b.split('\n')[0]!));
    if (warnings.length) reports.push(`webpack warnings:\n${warnings.map((w) => w.trim().replace(/^/gm, '  ')).join('\n')}`);
    const s = chunkSizes(join(dir, 'dist'));
    copyModel(join(dir, 'dist/models/tiny-qwen3_5'));
    return `main thread ${kB(s.total.main)} gz up front, rest ${kB(s.total['main-lazy'] + s.total.worker + s.total.other)} gz${warnings.length ? `, ${warnings.length} warning(s) (below)` : ''}`;
  });
  if (!built) return skip('webpack: page', 'build failed');
  const loaded: Loaded = { js: [], workers: [] };
  await step('webpack: page', async () => {
    const server = await serveStatic(join(dir, 'dist'), await freePort());
    try {
      return await expectPlanInPage(server.url, PAGE_TIMEOUT, loaded, server.output);
    } finally {
      await server.stop();
    }
  });
  // webpack computes chunk URLs at run time: the worker the browser started tells its entry apart.
  reports.push(formatSizes('webpack build: what the page loads', chunkSizes(join(dir, 'dist'), loaded.workers)));
}
