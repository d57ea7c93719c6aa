/**
 * (a) Node: a fresh app with the tarball and onnxruntime-node (the optional peer), the API
 * in-process and the `toolplan` bin through npx.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { BAD_TOOLS, NODE_REMOTE_SCRIPT, NODE_TOOLS, nodeAiSdkScript, nodePlanScript } from './app-src.ts';
import { FIXTURE_MODEL, REPO, StepError, expectExit0, firstError, initApp, npmInstall, npx, readJson, run, skip, startServer, step, tail } from './util.ts';

const STEPS = ['node: import + Planner.plan', 'node: toolplan check-tools', 'node: toolplan plan', 'node: toolplan --help', 'node: README snippets and TSDoc examples compile (strict)', 'node: toolplan/ai-sdk with ai', 'node: npx toolplan serve + RemotePlanner'];

/** The ```ts blocks of README.md's "Using it" and "Add it to your app" sections, in order. */
function readmeSnippets(): string[] {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const from = readme.indexOf('## Using it');
  const to = readme.indexOf('\n## ', readme.indexOf('## Add it to your app') + 3);
  return [...readme.slice(from, to).matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

/**
 * Every TSDoc `@example` in src/, by file and line: each must be a whole module that imports from
 * 'toolplan' (an example a user cannot paste is not one).
 */
function docExamples(): { at: string; code: string }[] {
  const out: { at: string; code: string }[] = [];
  for (const e of readdirSync(join(REPO, 'src'), { recursive: true, withFileTypes: true })) {
    if (!e.isFile() || !e.name.endsWith('.ts')) continue;
    const file = join(e.parentPath, e.name);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/@example\n((?:[ \t]*\*.*\n)*?)[ \t]*\*\//g)) {
      const lines = m[1]!.split('\n').map((l) => l.replace(/^[ \t]*\* ?/, ''));
      const code = /```ts\n([\s\S]*?)```/.exec(lines.join('\n'))?.[1];
      const at = `${relative(REPO, file)}:${text.slice(0, m.index).split('\n').length}`;
      if (!code || !/from 'toolplan'/.test(code)) throw new StepError(`${at}: the @example is not a module importing from 'toolplan'`);
      out.push({ at, code });
    }
  }
  return out;
}

export async function nodeApp(tarball: string): Promise<void> {
  let dir = '';
  const ortVersion = readJson<{ version: string }>(join(REPO, 'node_modules/onnxruntime-node/package.json')).version;
  const installed = await step('node: npm install', async () => {
    dir = await initApp('node-app');
    // The AI SDK as an app has it (its `zod` peer too): toolplan/ai-sdk and its TSDoc example need them.
    // The AI SDK's declarations need Node's and json-schema's types (its own packages do not bring them).
    const ai = ['ai', 'zod', '@types/node'].map((p) => `${p}@${readJson<{ version: string }>(join(REPO, 'node_modules', p, 'package.json')).version}`);
    return await npmInstall(dir, [tarball, `onnxruntime-node@${ortVersion}`, ...ai, '@types/json-schema@^7']);
  });
  if (!installed) {
    for (const s of STEPS) skip(s, 'install failed');
    return;
  }
  writeFileSync(join(dir, 'tools.json'), JSON.stringify(NODE_TOOLS, null, 2));
  writeFileSync(join(dir, 'bad-tools.json'), JSON.stringify(BAD_TOOLS, null, 2));
  writeFileSync(join(dir, 'plan.mjs'), nodePlanScript(FIXTURE_MODEL));
  writeFileSync(join(dir, 'ai-sdk.mjs'), nodeAiSdkScript(FIXTURE_MODEL));
  writeFileSync(join(dir, 'remote.mjs'), NODE_REMOTE_SCRIPT);
  const version = readJson<{ version: string }>(join(dir, 'node_modules/toolplan/package.json')).version;

  await step(STEPS[0]!, async () => {
    const r = await run('node', ['plan.mjs'], { cwd: dir, timeoutMs: 120_000 });
    expectExit0(r, ['node', 'plan.mjs']);
    const res = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { version: string; steps: number; tokens: number };
    if (res.version !== version) throw new StepError(`VERSION is ${res.version}, package.json says ${version}`);
    return `${res.steps} step(s), ${res.tokens} tokens, VERSION ${res.version}`;
  });

  await step(STEPS[1]!, async () => {
    const cmd = ['toolplan', 'check-tools', 'tools.json'];
    const r = await npx(dir, cmd);
    expectExit0(r, ['npx', ...cmd]);
    if (!/^ok: 2 tool\(s\): get_weather, send_email/.test(r.stdout)) throw new StepError(`unexpected output: ${r.stdout.trim()}`);
    // A broken tool: exit 1 and the typed error, as the README promises.
    const bad = await npx(dir, ['toolplan', 'check-tools', 'bad-tools.json']);
    if (bad.code !== 1 || !/ToolDefinitionError/.test(bad.stderr)) throw new StepError(`broken tool: exit ${bad.code}, want 1 and a ToolDefinitionError`, tail(bad.stderr + bad.stdout));
    return `${r.stdout.trim()}; broken tool → exit 1, ${firstError(bad.stderr)}`;
  });

  await step(STEPS[2]!, async () => {
    const cmd = ['toolplan', 'plan', '--model', FIXTURE_MODEL, '--tools', 'tools.json', '--max-tokens', '80', 'Weather in Oslo, then email it to ana@example.com'];
    const r = await npx(dir, cmd);
    expectExit0(r, ['npx', ...cmd]);
    let plan: { steps?: unknown[] };
    try {
      plan = JSON.parse(r.stdout) as typeof plan;
    } catch (e) {
      throw new StepError(`stdout is not JSON: ${(e as Error).message}`, r.stdout);
    }
    if (!Array.isArray(plan.steps) || plan.steps.length < 1) throw new StepError('plan has no steps', r.stdout);
    return `${plan.steps.length} step(s); ${r.stderr.trim().split('\n').at(-1)}`;
  });

  await step(STEPS[3]!, async () => {
    const r = await npx(dir, ['toolplan', '--help'], 30_000);
    expectExit0(r, ['npx', 'toolplan', '--help']);
    if (!/usage/i.test(r.stdout + r.stderr)) throw new StepError('no usage text', r.stdout + r.stderr);
    return 'exit 0 with usage';
  });

  await step(STEPS[5]!, async () => {
    const r = await run('node', ['ai-sdk.mjs'], { cwd: dir, timeoutMs: 120_000 });
    expectExit0(r, ['node', 'ai-sdk.mjs']);
    const res = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { calls: number; finish: string; object: unknown };
    return `generateText: ${res.calls} tool call(s), finish ${res.finish}; Output.object ${JSON.stringify(res.object)}; free text refused`;
  });

  await step(STEPS[6]!, async () => {
    const port = 18_000 + (process.pid % 1000);
    const server = await startServer(join(dir, 'node_modules/.bin/toolplan'), ['serve', '--model', FIXTURE_MODEL, '--port', String(port)], { cwd: dir, url: `http://127.0.0.1:${port}/health`, timeoutMs: 60_000 });
    try {
      const r = await run('node', ['remote.mjs', `http://127.0.0.1:${port}/v1`], { cwd: dir, timeoutMs: 120_000 });
      expectExit0(r, ['node', 'remote.mjs']);
      const res = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { steps: number; device: string; streamedSteps: number };
      if (res.device !== 'remote' || res.streamedSteps < 1) throw new StepError(`unexpected result ${JSON.stringify(res)}`, server.output());
      return `${res.steps} step(s) planned, ${res.streamedSteps} streamed, over HTTP`;
    } finally {
      await server.stop();
    }
  });

  // The README as a user copies it: each snippet a module, type-checked under strict against the
  // installed package's own declarations.
  await step(STEPS[4]!, async () => {
    const snippets = readmeSnippets();
    if (snippets.length === 0) throw new StepError('no ```ts snippet found in README.md');
    const examples = docExamples();
    if (examples.length === 0) throw new StepError('no @example found in src/');
    mkdirSync(join(dir, 'snippets'), { recursive: true });
    snippets.forEach((code, i) => writeFileSync(join(dir, 'snippets', `snippet-${i + 1}.ts`), `${code}\nexport {};\n`));
    // File names carry the source line, so a tsc error names the example.
    for (const x of examples) writeFileSync(join(dir, 'snippets', `example-${x.at.replace(/[/:.]/g, '_')}.ts`), `${x.code}\nexport {};\n`);
    const compilerOptions = { strict: true, noEmit: true, target: 'es2022', module: 'esnext', moduleResolution: 'bundler', lib: ['es2022', 'dom', 'dom.iterable'], skipLibCheck: false, types: ['node'] };
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, include: ['snippets'] }, null, 2));
    const r = await run(join(REPO, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], { cwd: dir, timeoutMs: 120_000 });
    expectExit0(r, ['tsc', '-p', 'tsconfig.json']);
    return `${snippets.length} README snippet(s) and ${examples.length} TSDoc example(s) type-check`;
  });
}
