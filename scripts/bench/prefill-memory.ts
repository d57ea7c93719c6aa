/**
 * Peak resident memory of one long-prompt prefill (prints JSON): the model is loaded, the peak
 * counter is reset (Linux: /proc/self/clear_refs), then one prompt of --tokens tokens is fed.
 *
 *   npx tsx scripts/bench/prefill-memory.ts --model tiny-qwen3 --tokens 3900
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadModel } from '../../src/model/index.ts';
import { modelDir, type TinyModel } from '../lib/fixtures.ts';

const { values } = parseArgs({ options: { model: { type: 'string', default: 'tiny-qwen3' }, tokens: { type: 'string', default: '3900' } } });

/** VmHWM (peak RSS) or VmRSS in bytes. */
function status(field: 'VmHWM' | 'VmRSS'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

const model = await loadModel(modelDir(values.model as TinyModel), { dtype: 'q4' });
const n = Number(values.tokens);
const prompt = Array.from({ length: n }, (_, i) => 100 + ((i * 7919) % 5000));
await model.lm.forward(prompt.slice(0, 8)); // warm the session's allocator at a small size
model.lm.reset();
globalThis.gc?.();
const before = status('VmRSS');
writeFileSync('/proc/self/clear_refs', '5'); // resets VmHWM to the current RSS
const t0 = performance.now();
await model.lm.forward(prompt);
const ms = performance.now() - t0;
const peak = status('VmHWM');
await model.dispose();
console.log(JSON.stringify({ model: values.model, tokens: n, rssBeforeBytes: before, peakRssBytes: peak, prefillPeakAboveBytes: peak - before, ms: Math.round(ms) }));
