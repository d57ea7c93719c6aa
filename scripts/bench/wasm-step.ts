/**
 * `npm run bench:wasm-step`: one model on onnxruntime-web's wasm backend in Node, timed by part, for
 * sizes where the full `bench:decode` matrix takes too long (the full-size stand-in): prefill of the
 * plan prompt, then greedy decode steps bare and with the plan grammar's mask, read-back included.
 *
 *   npm run bench:wasm-step -- [--model stand-in-qwen3_5-0.8b] [--steps 8] [--threads N] [--dtype q4|q8|default]
 *
 * `--dtype default` passes none, so the loader's own WASM choice (q8 when the repo has it) is timed.
 * `peak_rss_mb` is the process's high-water mark (getrusage), load included.
 */
import { resolve } from 'node:path';
import { resourceUsage } from 'node:process';
import { parseArgs } from 'node:util';
import { decode, loadModel, Sampler, type ModelDtype, type OrtModule } from '../../src/model/index.ts';
import { PlanContext } from '../../src/planner/index.ts';
import { QUERY, TOOLS } from '../lib/tools-fixture.ts';

const { values: a } = parseArgs({
  options: { model: { type: 'string', default: 'stand-in-qwen3_5-0.8b' }, steps: { type: 'string', default: '8' }, threads: { type: 'string' }, dtype: { type: 'string', default: 'q4' } },
});
const ort = (await import('onnxruntime-web')) as unknown as OrtModule & { env: { wasm: { numThreads: number } } };
if (a.threads) ort.env.wasm.numThreads = Number(a.threads);
const dir = resolve(import.meta.dirname, '../../fixtures/models', a.model!);
const steps = Number(a.steps);
let t = performance.now();
// device 'wasm' (onnxruntime-web in Node) so that the dtype default is the browser's WASM one.
const model = await loadModel(dir, { ort, device: 'wasm', ...(a.dtype === 'default' ? {} : { dtype: a.dtype as ModelDtype }) });
const loadMs = performance.now() - t;
const rss = () => Math.round(process.memoryUsage().rss / 2 ** 20);
// maxRSS is in KiB.
const peakRss = () => Math.round(resourceUsage().maxRSS / 1024);
const req = new PlanContext(model).prepare(QUERY, TOOLS, { maxSteps: 5, maxTokens: 4 * steps + 200 });
const prompt = req.prompt.tokens;
for (const constrained of [false, true]) {
  const it = decode(model.lm, prompt, {
    sampler: new Sampler({ temperature: 0 }),
    maxNewTokens: steps,
    stopTokens: [],
    constraint: constrained ? req.matcher() : undefined,
    jumpForward: false,
  });
  t = performance.now();
  let r = await it.next();
  while (!r.done) r = await it.next();
  const s = r.value;
  const p = s.profile;
  const per = (ms: number) => Math.round((ms / Math.max(1, s.tokens - 1)) * 10) / 10;
  console.log(JSON.stringify({
    backend: 'wasm (onnxruntime-web in Node)',
    model: a.model,
    dtype: model.dtype,
    mode: constrained ? 'constrained' : 'unconstrained',
    threads: ort.env.wasm.numThreads,
    load_ms: Math.round(loadMs),
    prompt_tokens: prompt.length,
    prefill_ms: Math.round(s.ttftMs),
    prefill_tok_s: Math.round((prompt.length / s.ttftMs) * 1000 * 10) / 10,
    decode_tok_s: Math.round(((s.tokens - 1) / s.decodeMs) * 1000 * 100) / 100,
    ms_per_token: { forward: per(p.forwardMs), readback: per(p.readbackMs), mask: per(p.maskMs), sample: per(p.sampleMs), accept: per(p.acceptMs) },
    rss_mb: rss(),
    peak_rss_mb: peakRss(),
  }));
}
await model.dispose();

