/** `npm run bench:report` on stored results: rows per adapter, medians over runs, the files it writes. */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportHtml, reportMarkdown, reportRows, type BenchResult } from '../../scripts/bench/report-table.ts';

const root = resolve(import.meta.dirname, '../..');
/** A real run (SwiftShader and wasm, --quick) stored in docs/bench-results/. */
const SAMPLE = join(root, 'docs/bench-results/2026-12-01-google-swiftshader.json');
const sample = (): BenchResult => JSON.parse(readFileSync(SAMPLE, 'utf8')) as BenchResult;

/** The sample as if run on another adapter, full length, with its plan tok/s scaled. */
function variant(vendor: string, architecture: string, scale: number, date: string): BenchResult {
  const r = sample();
  r.quick = false;
  r.date = date;
  for (const b of r.backends) {
    if (b.adapter) b.adapter = { ...b.adapter, vendor, architecture };
    for (const m of b.modes) m.decode_tok_s *= scale;
  }
  return r;
}

describe('bench:report rows', () => {
  it('the stored run gives one row per backend, both marked as no speed reference', () => {
    const rows = reportRows([sample()]);
    expect(rows.map((r) => [r.vendor, r.architecture, r.backend, r.dtype, r.runs, r.reference])).toEqual(
      expect.arrayContaining([
        ['google', 'swiftshader', 'webgpu', 'q4', 1, true],
        ['cpu', 'google swiftshader', 'wasm', 'q4', 1, true],
      ]),
    );
    const jf = sample().backends.find((b) => b.device === 'webgpu')!.modes.find((m) => m.mode === 'constrained + jump-forward')!;
    expect(rows.find((r) => r.backend === 'webgpu')!.planTokS).toBeCloseTo(jf.decode_tok_s, 6);
  });

  it('runs on the same adapter are one row with medians; a real GPU run ranks above the references', () => {
    const rows = reportRows([sample(), variant('nvidia', 'ampere', 1, '2026-12-02T00:00:00Z'), variant('nvidia', 'ampere', 3, '2026-12-03T00:00:00Z'), variant('nvidia', 'ampere', 2, '2026-12-04T00:00:00Z')]);
    const gpu = rows.find((r) => r.vendor === 'nvidia' && r.backend === 'webgpu')!;
    const base = sample().backends.find((b) => b.device === 'webgpu')!.modes.find((m) => m.mode === 'constrained + jump-forward')!.decode_tok_s;
    expect(gpu.runs).toBe(3);
    expect(gpu.planTokS).toBeCloseTo(base * 2, 6);
    expect(gpu.latest).toBe('2026-12-04T00:00:00Z');
    expect(gpu.reference).toBe(false);
    expect(rows[0]!.reference).toBe(false);
    // wasm rows are the CPU of the machine the adapter names: the three variants' wasm runs join one row.
    expect(rows.filter((r) => r.backend === 'wasm').map((r) => [r.architecture, r.runs])).toEqual(expect.arrayContaining([['google swiftshader', 1], ['nvidia ampere', 3]]));
  });

  it('markdown and HTML carry every row; no results says so', () => {
    const rows = reportRows([sample()]);
    const md = reportMarkdown(rows);
    expect(md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| adapter'))).toHaveLength(rows.length);
    const html = reportHtml(rows);
    expect(html).toContain('<html lang="en">');
    expect(html.match(/<tr>/g)).toHaveLength(rows.length + 1);
    expect(reportMarkdown([])).toMatch(/No benchmark results/);
  });
});

describe('bench:report command', () => {
  it('reads result folders, skips other JSON, writes md/svg/html and the site page; a malformed result names its file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-report-'));
    cpSync(SAMPLE, join(dir, 'a.json'));
    writeFileSync(join(dir, 'decode-x.json'), JSON.stringify({ runs: [] }));
    const out = join(dir, 'out/report');
    execFileSync(process.execPath, ['--import', 'tsx', 'scripts/bench/report.ts', '--in', dir, '--out', out, '--site', join(dir, 'site')], { cwd: root, stdio: 'pipe' });
    for (const f of [`${out}.md`, `${out}.svg`, `${out}.html`, join(dir, 'site/index.html'), join(dir, 'site/report.svg')]) expect(existsSync(f), f).toBe(true);
    expect(readFileSync(`${out}.md`, 'utf8')).toContain('google swiftshader †');
    writeFileSync(join(dir, 'broken.json'), JSON.stringify({ backends: [{ requested: 'webgpu' }] }));
    const bad = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/bench/report.ts', '--in', dir, '--out', out], { cwd: root, encoding: 'utf8' });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('broken.json');
  }, 60_000);
});
