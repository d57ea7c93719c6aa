/**
 * `npm run bench:gpu`: the decode benchmark on a GPU machine without a browser, through
 * onnxruntime-node's WebGPU execution provider (Dawn over Vulkan / D3D12 / Metal), side by side
 * in one run: the bare session.run loop, ours with the logits row read back each step, and ours
 * sampling on the GPU (the default on WebGPU), free and constrained, plus jump-forward. One JSON
 * line per row, then the ratios. `--check` also decodes greedy and seeded-temperature runs both ways
 * and reports whether the tokens are the same.
 *
 *   npm run bench:gpu                                   # full-size stand-in if made (npm run fixtures:full), else tiny-qwen3_5
 *   npm run bench:gpu -- --model-path DIR --dtype q4f16 --tokens 128 --runs 3
 *   npm run bench:gpu -- --swiftshader --tokens 8 --runs 1 --warmup 0 --check   # here, on SwiftShader (7 min)
 *   npm run bench:gpu -- --swiftshader --check-only --tokens 6   # the equality check alone, on a short prompt (test/model/device-sampling.test.ts)
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as ortNode from 'onnxruntime-node';
import { CausalLM, graphFile, loadModel, Sampler, type Model, type ModelDtype, type OrtModule, type StepProfile } from '../../src/model/index.ts';
import { normalizeTools, PlanContext } from '../../src/planner/index.ts';
import { QUERY, TOOLS } from '../lib/tools-fixture.ts';
import { median, ratio } from '../../src/eval/stats.ts';
import { bareLoop } from './bare-loop.ts';
import { decodePlan, type PlanMode } from './plan-decode.ts';

const { values: args } = parseArgs({
  options: {
    'model-path': { type: 'string' },
    dtype: { type: 'string' },
    tokens: { type: 'string', default: '64' },
    runs: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '1' },
    swiftshader: { type: 'boolean', default: false },
    check: { type: 'boolean', default: false },
    'check-only': { type: 'boolean', default: false },
  },
});
const root = resolve(import.meta.dirname, '../..');

// Dawn finds Vulkan through the loader; here that is Chromium's copy, with SwiftShader as the ICD.
// The loader's search path is read at process start, so the script runs itself again with it.
if (args.swiftshader && !process.env.VK_ICD_FILENAMES) {
  const env = { ...process.env, VK_ICD_FILENAMES: '/usr/lib/chromium/vk_swiftshader_icd.json', LD_LIBRARY_PATH: ['/usr/lib/chromium', process.env.LD_LIBRARY_PATH].filter(Boolean).join(':') };
  const r = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], { env, stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

const standIn = join(root, 'fixtures/models/stand-in-qwen3_5-0.8b');
// SwiftShader runs the tiny model: the full-size one would take hours there.
const dir = resolve(args['model-path'] ?? (existsSync(standIn) && !args.swiftshader ? standIn : join(root, 'fixtures/models/tiny-qwen3_5')));
const dtype = (args.dtype ?? (args.swiftshader ? 'fp32' : 'q4')) as ModelDtype;
const N = Number(args.tokens);
const RUNS = Number(args.runs);
const WARMUP = Number(args.warmup);
const ort = ortNode as unknown as OrtModule;

interface Timed {
  decodeMs: number;
  tokens: number;
  passes: number;
  profile?: StepProfile;
  ids?: number[];
}

async function ours(lm: CausalLM, model: Model, prompt: number[], mode: PlanMode, sampler: Sampler, n = N): Promise<Timed> {
  const { ids, stats: s } = await decodePlan(lm, model, prompt, mode, sampler, n, Math.max(4 * n, 256));
  return { decodeMs: s.decodeMs, tokens: s.tokens, passes: s.forwardPasses, profile: s.profile, ids };
}

/** A decoder session whose cache stays on the GPU and whose logits come to the CPU, for the bare loop. */
async function bareSession(model: Model): Promise<ortNode.InferenceSession> {
  const outputs = model.lm.sessions.decoder.outputNames;
  const file = join(dir, graphFile('decoder_model_merged', dtype));
  const path = existsSync(file) ? file : join(dir, 'model.onnx');
  return ortNode.InferenceSession.create(path, {
    executionProviders: ['webgpu'],
    preferredOutputLocation: Object.fromEntries(outputs.map((o) => [o, o === 'logits' ? 'cpu' : 'gpu-buffer'])),
  });
}

function tokS(runs: Timed[]): number {
  return Math.round(median(runs.map((r) => (r.tokens - 1) / (r.decodeMs / 1000))) * 10) / 10;
}

const model = await loadModel(dir, { ort, dtype, device: 'webgpu' });
const readback = new CausalLM(ort, model.lm.sessions, { sampleOnDevice: false });
const checkOnly = args['check-only'];
// The check alone runs on a short prompt: SwiftShader takes seconds to prefill the tool prompt.
const prompt = checkOnly ? [9707, 11, 1246, 525, 498, 3351, 30, 358] : new PlanContext(model).prompt(QUERY, normalizeTools(TOOLS)).tokens;
console.error(`bench:gpu · ${dir.split('/').at(-1)} ${dtype} · ${model.reason} · prompt ${prompt.length} tokens, ${N} new, ${RUNS} runs`);
const bare = checkOnly ? undefined : await bareSession(model);

const modes: Record<string, () => Promise<Timed>> = {
  'bare session.run loop (logits to the CPU)': async () => ({ ...(await bareLoop(ort, bare! as never, model.lm.sessions.embed, prompt, N)), tokens: N, passes: N }),
  'ours unconstrained, row read back': () => ours(readback, model, prompt, 'free', new Sampler()),
  'ours unconstrained, sampled on the GPU': () => ours(model.lm, model, prompt, 'free', new Sampler()),
  'ours constrained, row read back': () => ours(readback, model, prompt, 'constrained', new Sampler()),
  'ours constrained, sampled on the GPU': () => ours(model.lm, model, prompt, 'constrained', new Sampler()),
  'ours constrained + jump-forward, sampled on the GPU': () => ours(model.lm, model, prompt, 'jump', new Sampler()),
};
const timed = new Map<string, Timed[]>(checkOnly ? [] : Object.keys(modes).map((k) => [k, []]));
for (let i = 0; i < (checkOnly ? 0 : WARMUP + RUNS); i++) {
  // Modes take turns within each repetition, so drift hits them alike.
  for (const [k, fn] of Object.entries(modes)) {
    const t = await fn();
    if (i >= WARMUP) timed.get(k)!.push(t);
  }
}
const rate: Record<string, number> = {};
for (const [mode, runs] of timed) {
  rate[mode] = tokS(runs);
  const p = runs[0]?.profile;
  const per = (v: number | undefined) => (v === undefined ? null : Math.round((v / runs[0]!.tokens) * 1000) / 1000);
  console.log(
    JSON.stringify({
      backend: 'onnxruntime-node webgpu',
      model: dir.split('/').at(-1),
      dtype,
      mode,
      decode_tok_s: rate[mode],
      tokens: median(runs.map((r) => r.tokens)),
      forward_passes: median(runs.map((r) => r.passes)),
      ...(p ? { forward_ms_per_token: per(p.forwardMs), readback_ms_per_token: per(p.readbackMs), mask_ms_per_token: per(p.maskMs), sample_ms_per_token: per(p.sampleMs) } : {}),
    }),
  );
}
const k = Object.keys(modes);
if (!checkOnly) console.log(
  JSON.stringify({
    ratios: true,
    'constrained GPU-sampled / bare': ratio(rate[k[4]!]!, rate[k[0]!]!),
    'constrained GPU-sampled / read back': ratio(rate[k[4]!]!, rate[k[3]!]!),
    'unconstrained GPU-sampled / read back': ratio(rate[k[2]!]!, rate[k[1]!]!),
  }),
);

if (args.check || checkOnly) {
  // The same tokens both ways: greedy, and temperature with a seed (one uniform draw per step each).
  const cases = [
    ['greedy', 'free', { temperature: 0 }],
    ['greedy', 'constrained', { temperature: 0 }],
    ['temperature 1.5, seed 5', 'free', { temperature: 1.5, seed: 5 }],
    ...(checkOnly ? [] : ([['temperature 1.5, seed 5', 'constrained', { temperature: 1.5, seed: 5 }]] as const)),
  ] as const;
  for (const [label, mode, opts] of cases) {
    {
      const a = await ours(readback, model, prompt, mode, new Sampler(opts));
      const b = await ours(model.lm, model, prompt, mode, new Sampler(opts));
      console.log(JSON.stringify({ check: `${label}, ${mode}`, equal: JSON.stringify(a.ids) === JSON.stringify(b.ids), tokens: a.ids!.length, readBack: a.ids, onGpu: b.ids }));
    }
  }
}
readback.reset();
await bare?.release();
await model.dispose();
