/**
 * The published files as a bundler sees them (after `npm run build`): every bare import is a
 * declared dependency (publint does not check this: `ajv-formats` once was a devDependency), no
 * Node specifier in the browser build, and every `new URL('…', import.meta.url)` points at a file
 * that `npm pack` ships (Next.js bundles them all, even in the Node build).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { builtinModules } from 'node:module';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const dist = join(root, 'dist');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  peerDependencies?: Record<string, string>;
};

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.js'))
    .map((e) => join(e.parentPath, e.name))
    .filter((f) => !f.includes(`${join('dist', 'types')}`));
}

/** Specifiers of static imports, re-exports and dynamic imports with a literal. */
function specifiers(code: string): string[] {
  const out: string[] = [];
  for (const m of code.matchAll(/(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*["']([^"']+)["']|import\s*\(\s*["']([^"']+)["']\s*\)|^import\s*["']([^"']+)["']/gm)) {
    out.push((m[1] ?? m[2] ?? m[3])!);
  }
  return out;
}
const packageOf = (s: string) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]!);

describe.runIf(existsSync(join(dist, 'index.js')) && existsSync(join(dist, 'node', 'index.js')))('the built package', () => {
  const files = jsFiles(dist);
  const packed = new Set(
    (JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path),
  );

  it('imports only declared dependencies, peers and Node builtins (Node build only)', () => {
    const declared = new Set([...Object.keys(pkg.dependencies), ...Object.keys(pkg.peerDependencies ?? {})]);
    for (const f of files) {
      const node = f.startsWith(join(dist, 'node'));
      for (const s of specifiers(readFileSync(f, 'utf8'))) {
        if (s.startsWith('.')) continue;
        if (s.startsWith('node:') || builtinModules.includes(s)) {
          expect(node, `${relative(root, f)} imports ${s}`).toBe(true);
          continue;
        }
        expect(declared.has(packageOf(s)), `${relative(root, f)} imports undeclared ${s}`).toBe(true);
        if (!node) expect(s, `${relative(root, f)}: a browser file imports onnxruntime-node`).not.toMatch(/^onnxruntime-node/);
      }
    }
  });

  it('every relative import and new URL(…, import.meta.url) resolves to a packed file', () => {
    let urls = 0;
    for (const f of files) {
      const code = readFileSync(f, 'utf8');
      const rel = [...specifiers(code).filter((s) => s.startsWith('.'))];
      for (const m of code.matchAll(/new URL\(\s*(?:\/\*[^*]*\*\/\s*)?["'](\.[^"']+)["']\s*,\s*import\.meta\.url\s*\)/g)) {
        rel.push(m[1]!);
        urls++;
      }
      for (const s of rel) {
        const target = relative(root, resolve(dirname(f), s)).replaceAll('\\', '/');
        expect(packed.has(target), `${relative(root, f)} → ${s} (${target}) is not in the tarball`).toBe(true);
      }
    }
    expect(urls).toBeGreaterThanOrEqual(2); // the worker URL in both builds
  });

  it('exports and bin point at packed files', () => {
    for (const p of ['dist/index.js', 'dist/node/index.js', 'dist/node/cli.js', 'dist/worker.js', 'dist/types/src/index.d.ts']) expect(packed.has(p), p).toBe(true);
  });
});
