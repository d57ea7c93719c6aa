/**
 * One Vite config, four jobs:
 * - `vite build` (mode production): the library's browser build, ES modules + the worker, into dist/;
 * - `vite build --mode node`: the library's Node build (onnxruntime-node, local files) and the CLI,
 *   into dist/node/, served by the package's `node` export condition;
 * - `vite build --mode demo`: the demo app as a static site, into dist-demo/;
 * - `vite preview --mode demo`: serves that build;
 * - `vite`: a dev server on 127.0.0.1 serving the demo, the e2e pages and
 *   fixtures/models, cross-origin isolated so multi-threaded WASM gets SharedArrayBuffer.
 */
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defineConfig, type Plugin, type UserConfig } from 'vite';

const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** The worker's URL as create-planner.ts writes it: the source file, marked `@vite-ignore`. */
const WORKER_URL = /new URL\(\s*\/\* @vite-ignore \*\/\s*(['"])\.\.\/worker\/planner\.worker\.ts\1/;

/**
 * The one rewrite of the worker's URL (src/worker/planner.worker.ts). The mark keeps the library
 * build from bundling the worker into itself: the builds point the same `new Worker(new URL(…,
 * import.meta.url))` at dist/worker.js (`dist`, relative to the output chunk), left for the app's
 * bundler, the pattern Vite, webpack 5 and Next bundle without configuration. The Node build needs it
 * too: Next.js renders client components on the server with the `node` condition and bundles every
 * such URL, used or not. Without `dist` (the demo, the dev server) the mark is dropped, so Vite
 * bundles or serves the worker as it does any module worker.
 */
const workerUrl = (dist?: string): Plugin =>
  dist
    ? {
        name: 'toolplan-worker-url',
        renderChunk(code) {
          if (!WORKER_URL.test(code)) return null;
          return { code: code.replace(WORKER_URL, `new URL('${dist}'`), map: null };
        },
      }
    : {
        name: 'toolplan-worker-url',
        enforce: 'pre',
        transform(code, id) {
          if (!id.replaceAll('\\', '/').endsWith('/src/planner/create-planner.ts')) return null;
          return { code: code.replace(WORKER_URL, (_m, q: string) => `new URL(${q}../worker/planner.worker.ts${q}`), map: null };
        },
      };

/**
 * Every browser graph (the browser build, the dev server, the demo) gets the browser stand-in for
 * the runtime's Node-only module: no `onnxruntime-node` or `node:` specifier reaches a browser.
 */
const browserPlatform: Plugin = {
  name: 'toolplan-browser-platform',
  enforce: 'pre',
  resolveId(source, importer) {
    if (source !== './node-io.ts' || !importer?.replaceAll('\\', '/').includes('/src/model/')) return null;
    return resolve(import.meta.dirname, 'src/model/node-io.browser.ts');
  },
};

/** Each package bundled into dist/vendor/ ships with its licence. */
const vendorLicences: Plugin = {
  name: 'toolplan-vendor-licences',
  writeBundle(options) {
    const vendor = join(options.dir!, 'vendor');
    if (!existsSync(vendor)) return;
    for (const pkg of readdirSync(vendor)) {
      const from = resolve(import.meta.dirname, 'node_modules', pkg);
      const licence = readdirSync(from).find((f) => /^licen[cs]e/i.test(f));
      if (!licence) throw new Error(`${pkg} is bundled into dist/vendor/ but has no licence file`);
      cpSync(join(from, licence), join(vendor, pkg, licence));
    }
  },
};

/** npm sets the bin's mode on install; in the repo `npx toolplan` runs dist/node/cli.js as it is. */
const executableCli: Plugin = {
  name: 'toolplan-cli-mode',
  writeBundle(options) {
    const cli = join(options.dir!, 'cli.js');
    if (existsSync(cli)) chmodSync(cli, 0o755);
  },
};

/**
 * The demo works offline: the embedded tiny model (q4 files only, generated, never committed) is
 * copied next to the page. onnxruntime-web's wasm is bundled by Vite from the package's own
 * `new URL(…, import.meta.url)`.
 */
const embedOfflineFiles: Plugin = {
  name: 'toolplan-demo-embed',
  apply: 'build',
  writeBundle(options) {
    const out = options.dir!;
    const model = resolve(import.meta.dirname, 'fixtures/models/tiny-qwen3_5');
    if (!existsSync(model)) throw new Error('fixtures/models/tiny-qwen3_5 is missing: run `npm run fixtures` first');
    const dest = join(out, 'models/tiny-qwen3_5');
    mkdirSync(join(dest, 'onnx'), { recursive: true });
    for (const f of readdirSync(model)) if (f !== 'onnx') cpSync(join(model, f), join(dest, f));
    for (const f of readdirSync(join(model, 'onnx'))) if (f.includes('_q4')) cpSync(join(model, 'onnx', f), join(dest, 'onnx', f));
  },
};

export default defineConfig(({ command, mode }): UserConfig => {
  const server = { host: '127.0.0.1', port: 5173, strictPort: true, headers: isolation };
  if (mode === 'demo') {
    return {
      root: resolve(import.meta.dirname, 'demo'),
      plugins: [browserPlatform, workerUrl(), embedOfflineFiles],
      worker: { format: 'es' as const },
      publicDir: resolve(import.meta.dirname, 'public'),
      base: './',
      build: { outDir: resolve(import.meta.dirname, 'dist-demo'), emptyOutDir: true, target: 'es2022' },
      optimizeDeps: { exclude: ['onnxruntime-web'] },
      preview: server,
    };
  }
  // Runtime dependencies stay imports: the app's bundler dedupes and versions them.
  const external = [/^onnxruntime-(web|node|common)(\/.*)?$/, /^@huggingface\//, /^@ai-sdk\//, 'comlink', /^ajv/, /^node:/];
  if (command === 'build' && mode === 'node') {
    return {
      plugins: [workerUrl('../worker.js'), executableCli],
      build: {
        target: 'node20',
        sourcemap: true,
        outDir: 'dist/node',
        emptyOutDir: true,
        lib: {
          entry: { index: resolve(import.meta.dirname, 'src/index.ts'), 'ai-sdk': resolve(import.meta.dirname, 'src/ai-sdk/index.ts'), cli: resolve(import.meta.dirname, 'src/cli/bin.ts') },
          formats: ['es'],
        },
        rollupOptions: { external, output: { banner: (chunk) => (chunk.name === 'cli' ? '#!/usr/bin/env node' : '') } },
      },
    };
  }
  if (command === 'build') {
    return {
      plugins: [browserPlatform, workerUrl('../../worker.js'), vendorLicences],
      build: {
        target: 'es2022',
        sourcemap: true,
        // The node build (run second) writes into dist/node/.
        emptyOutDir: true,
        lib: {
          entry: { index: resolve(import.meta.dirname, 'src/index.ts'), 'ai-sdk': resolve(import.meta.dirname, 'src/ai-sdk/index.ts'), worker: resolve(import.meta.dirname, 'src/worker/planner.worker.ts') },
          formats: ['es'],
        },
        rollupOptions: {
          // Ajv and ajv-formats are CommonJS: bundled here (into dist/vendor/) so the browser build
          // is ES modules throughout; a dev server (vite dev) serving the worker's imports as they
          // are would hand CommonJS to the browser.
          external: external.filter((e) => String(e) !== String(/^ajv/)),
          // One file per source module: with `sideEffects: false` an app's bundler drops every module
          // an import does not reach, so `createPlanner` alone does not pull the worker's code
          // (Ajv, the grammar, the tokenizer) onto the main thread.
          output: {
            preserveModules: true,
            preserveModulesRoot: import.meta.dirname,
            // npm never packs a folder named node_modules.
            entryFileNames: (chunk) => `${chunk.name.replace(/^(.*\/)?node_modules\//, 'vendor/')}.js`,
          },
        },
      },
    };
  }
  return {
    plugins: [browserPlatform, workerUrl()],
    server,
    preview: server,
    // `ai` is imported by the e2e page only: pre-bundled at start, so its discovery does not reload a page mid-test.
    optimizeDeps: { exclude: ['onnxruntime-web'], include: ['ai'] },
  };
});
