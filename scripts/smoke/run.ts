/**
 * `npm run test:smoke`: the packaging smoke test. Builds and packs toolplan, then installs only the
 * tarball into fresh apps under os.tmpdir() — Node (API + CLI), Vite (build, preview, dev) and
 * webpack 5 — and checks each one plans on the tiny fixture model. Exit 1 if any step fails.
 *
 *   npx tsx scripts/smoke/run.ts [--only node,vite,webpack] [--tarball path/to/toolplan-x.tgz]
 *
 * SMOKE_KEEP=1 keeps the temp folder; SMOKE_PREFER_OFFLINE=1 installs from npm's cache where it can;
 * SMOKE_PAGE_TIMEOUT_MS (default 120000) bounds each page; CHROMIUM_PATH (default /usr/bin/chromium).
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { closeBrowser } from './browser.ts';
import { nodeApp } from './node-app.ts';
import { buildAndPack } from './pack.ts';
import { viteApp } from './vite-app.ts';
import { webpackApp } from './webpack-app.ts';
import { cleanTmp, killAll, reports, rows, tmpRoot } from './util.ts';

const APPS: Record<string, (tarball: string) => Promise<void>> = { node: nodeApp, vite: viteApp, webpack: webpackApp };

const { values: a } = parseArgs({ options: { only: { type: 'string' }, tarball: { type: 'string' } } });
const only = a.only ? a.only.split(',').map((s) => s.trim()).filter(Boolean) : Object.keys(APPS);
const unknown = only.filter((s) => !(s in APPS));
if (unknown.length) {
  console.error(`unknown step(s) ${unknown.join(', ')}; known: ${Object.keys(APPS).join(', ')}`);
  process.exit(2);
}

// Ctrl-C / kill: servers and installs are process groups of their own; take them down too.
// `on`, not `once`: a terminal delivers SIGINT to tsx and to us, and tsx relays it again, so a
// second signal must not end the process halfway through the cleanup.
let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    killAll();
    cleanTmp();
    process.exit(130);
  });

const t0 = performance.now();
console.log(`toolplan smoke test in ${tmpRoot()}: ${only.join(', ')}`);
try {
  const tarball = a.tarball ? resolve(a.tarball) : await buildAndPack();
  if (tarball) for (const name of only) await APPS[name]!(tarball);
} finally {
  await closeBrowser();
  killAll();
  cleanTmp();
}

const w = Math.max(...rows.map((r) => r.step.length), 4);
const line = (s: string, st: string, t: string, n: string) => `${s.padEnd(w)}  ${st.padEnd(4)}  ${t.padStart(7)}  ${n}`;
console.log(`\n${line('step', 'ok', 'time', 'note')}\n${'-'.repeat(w + 60)}`);
for (const r of rows) console.log(line(r.step, r.ok === 'skip' ? 'skip' : r.ok ? 'pass' : 'FAIL', r.ok === 'skip' ? '' : `${(r.ms / 1000).toFixed(1)} s`, r.note));
console.log(`${'-'.repeat(w + 60)}\ntotal ${((performance.now() - t0) / 1000).toFixed(0)} s`);
for (const s of reports) console.log(`\n${s}`);
const failed = rows.filter((r) => r.ok !== true);
for (const r of failed.filter((r) => r.detail)) console.log(`\n── ${r.step}: ${r.note}\n${r.detail!.replace(/^/gm, '   ')}`);
const bad = rows.filter((r) => r.ok === false).length;
console.log(bad ? `\n${bad} step(s) failed${failed.length > bad ? `, ${failed.length - bad} skipped` : ''}` : '\nall steps passed');
process.exitCode = bad || failed.length ? 1 : 0;
