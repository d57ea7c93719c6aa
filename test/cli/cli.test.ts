/** The `toolplan` command: check-tools verdicts and exit codes, plan and --stream on the tiny model. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { modelDir } from '../../scripts/lib/fixtures.ts';
import { TOOLS, QUERY } from '../../scripts/lib/tools-fixture.ts';

const CLI = 'dist/node/cli.js';
const dir = mkdtempSync(join(tmpdir(), 'toolplan-cli-'));
const good = join(dir, 'tools.json');
const bad = join(dir, 'bad.json');
writeFileSync(good, JSON.stringify(TOOLS));
writeFileSync(bad, JSON.stringify([{ name: 'calc', parameters: { type: 'object', properties: { n: { type: 'number', multipleOf: 0.5 } } } }]));

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, (s) => (out += s), (s) => (err += s));
  return { code, out, err };
}

describe('toolplan CLI', () => {
  it('check-tools: ok lists the tools; a bad schema names tool, pointer and keyword with exit 1', async () => {
    const ok = await run('check-tools', good);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/^ok: \d+ tool\(s\): /);
    const no = await run('check-tools', bad);
    expect(no.code).toBe(1);
    expect(no.err).toContain('ToolDefinitionError: tool "calc"');
    expect(no.err).toContain('/properties/n/multipleOf');
  });

  it('--help and --version exit 0; a broken or missing tools file names the file', async () => {
    for (const argv of [['--help'], ['-h'], ['plan', '--help'], ['help']]) {
      const r = await run(...argv);
      expect(r.code, argv.join(' ')).toBe(0);
      expect(r.out).toContain('usage:');
    }
    expect((await run('--version')).out.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '[{"name": "a"');
    const b = await run('check-tools', broken);
    expect(b.code).toBe(1);
    expect(b.err).toContain(`ToolsFileError: ${broken} is not valid JSON`);
    const missing = await run('check-tools', join(dir, 'nope.json'));
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('nope.json');
  });

  it('bad usage exits 2 with the usage text', async () => {
    const r = await run('plan', '--tools', good);
    expect(r.code).toBe(2);
    expect(r.err).toContain('a query is required');
    expect(r.err).toContain('usage:');
    expect((await run('frobnicate')).code).toBe(2);
    // Misused flags are usage errors too, never a raw TypeError or RangeError.
    for (const argv of [['plan', '--tools', good, '--bogus', 'q'], ['plan', '--tools', good, 'q', '--model'], ['plan', '--tools', good, '--dtype', 'bogus', 'q'], ['serve', '--port', 'x'], ['serve', '--bogus'], ['serve', '--max-pending', '0']]) {
      const m = await run(...argv);
      expect(m.code, argv.join(' ')).toBe(2);
      expect(m.err, argv.join(' ')).toMatch(/^UsageError: /);
      expect(m.err).toContain('usage:');
    }
  });

  it('plan prints a plan over the given tools; --stream prints each step, then the plan', async () => {
    const r = await run('plan', '--model', modelDir('tiny-qwen3_5'), '--tools', good, '--max-tokens', '300', '--seed', '1', QUERY);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.out) as { steps: { tool: string }[] };
    const names = TOOLS.map((t) => ('function' in t ? t.function.name : t.name));
    expect(plan.steps.length).toBeGreaterThan(0);
    for (const s of plan.steps) expect(names).toContain(s.tool);
    const s = await run('plan', '--model', modelDir('tiny-qwen3_5'), '--tools', good, '--max-tokens', '300', '--stream', QUERY);
    expect(s.code).toBe(0);
    const lines = s.out.trim().split('\n');
    const final = JSON.parse(lines.at(-1)!.replace(/^plan /, '')) as { steps: unknown[] };
    expect(lines.filter((l) => l.startsWith('step '))).toHaveLength(final.steps.length);
  }, 120_000);

  it('--format tool-calls prints the native calls on stderr and the plan on stdout; bad values are usage errors', async () => {
    const r = await run('plan', '--model', modelDir('tiny-qwen3_5'), '--tools', good, '--max-tokens', '200', '--seed', '2', '--format', 'tool-calls', QUERY);
    expect(r.code).toBe(0);
    expect(r.err).toContain('<tool_call>\n<function=');
    const plan = JSON.parse(r.out) as { steps: { depends_on: number[] }[] };
    expect(plan.steps.length).toBeGreaterThan(0);
    for (const s of plan.steps) expect(s.depends_on).toEqual([]);
    const json = await run('plan', '--model', modelDir('tiny-qwen3_5'), '--tools', good, '--max-tokens', '200', '--format', 'tool-calls', '--syntax', 'json', QUERY);
    expect(json.code).toBe(0);
    expect(json.err).toContain('<tool_call>\n{"name": "');
    expect((await run('plan', '--tools', good, '--format', 'yaml', QUERY)).code).toBe(2);
    expect((await run('plan', '--tools', good, '--syntax', 'toml', QUERY)).code).toBe(2);
  }, 120_000);

  // `npm test` builds before Vitest; `npm run test:unit` alone may run before any build.
  it.runIf(existsSync(CLI))('the built executable runs as is (execute bit, shebang, exit codes)', () => {
    expect(statSync(CLI).mode & 0o111).not.toBe(0);
    expect(execFileSync(CLI, ['check-tools', good], { encoding: 'utf8' })).toMatch(/^ok: /);
    expect(execFileSync(CLI, ['--help'], { encoding: 'utf8' })).toContain('usage:');
    let code = 0;
    try {
      execFileSync(CLI, ['check-tools', bad], { stdio: 'pipe' });
    } catch (e) {
      code = (e as { status: number }).status;
    }
    expect(code).toBe(1);
  });
});
