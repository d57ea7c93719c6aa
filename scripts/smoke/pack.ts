/**
 * Step 0: build the library and pack it the way `npm publish` would; every app installs only this
 * tarball, so files missing from `files`/`exports` or undeclared dependencies show up.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURE_MODEL, REPO, StepError, expectExit0, kB, readJson, run, step, tmpRoot } from './util.ts';

/** Every file package.json's exports / bin / types / main name (wildcard patterns left out). */
function declaredFiles(): string[] {
  const pkg = readJson<Record<string, unknown>>(join(REPO, 'package.json'));
  const out = new Set<string>(['package.json']);
  const visit = (v: unknown): void => {
    if (typeof v === 'string') {
      if (!v.includes('*')) out.add(v.replace(/^\.\//, ''));
    } else if (v && typeof v === 'object') for (const x of Object.values(v)) visit(x);
  };
  visit(pkg.exports);
  visit(typeof pkg.bin === 'string' ? pkg.bin : pkg.bin ?? {});
  for (const k of ['main', 'module', 'types', 'typings', 'browser']) visit(pkg[k]);
  return [...out];
}

export async function buildAndPack(): Promise<string | undefined> {
  if (!existsSync(join(FIXTURE_MODEL, 'config.json'))) {
    const ok = await step('fixtures: npm run fixtures', async () => {
      const r = await run('npm', ['run', 'fixtures'], { cwd: REPO, timeoutMs: 120_000 });
      expectExit0(r, ['npm', 'run', 'fixtures']);
      return 'generated';
    });
    if (!ok) return undefined;
  }
  const built = await step('pack: npm run build', async () => {
    const r = await run('npm', ['run', 'build'], { cwd: REPO, timeoutMs: 300_000 });
    expectExit0(r, ['npm', 'run', 'build']);
    return 'dist/ built';
  });
  if (!built) return undefined;
  let tarball: string | undefined;
  await step('pack: npm pack', async () => {
    const dest = join(tmpRoot(), 'pack');
    mkdirSync(dest, { recursive: true });
    const args = ['pack', '--json', '--pack-destination', dest];
    const r = await run('npm', args, { cwd: REPO, timeoutMs: 120_000 });
    expectExit0(r, ['npm', ...args]);
    const info = (JSON.parse(r.stdout.slice(r.stdout.indexOf('['))) as { filename: string; size: number; unpackedSize: number; entryCount: number; files: { path: string }[] }[])[0];
    if (!info) throw new StepError('npm pack printed no package', r.stdout);
    const files = new Set(info.files.map((f) => f.path));
    const missing = declaredFiles().filter((f) => !files.has(f));
    if (missing.length) throw new StepError(`tarball lacks files package.json points at: ${missing.join(', ')}`, [...files].join('\n'));
    tarball = join(dest, info.filename);
    return `${info.filename}: ${info.entryCount} files, ${kB(info.size)} packed, ${kB(info.unpackedSize)} unpacked`;
  });
  return tarball;
}
