/**
 * Peak resident memory of one long-prompt prefill (prints JSON): the model is loaded, the peak
 * counter is reset (Linux: /proc/self/clear_refs), then one prompt of --tokens tokens is fed.
 *
 *   npx tsx scripts/bench/prefill-memory.ts --model tiny-qwen3 --tokens 3900
 */
import { parseArgs } from 'node:util';
import { loadModel } from '../../src/model/index.ts';
import { modelDir, type TinyModel } from '../lib/fixtures.ts';
import { withPeakRss } from '../lib/peak-rss.ts';

const { values } = parseArgs({ options: { model: { type: 'string', default: 'tiny-qwen3' }, tokens: { type: 'string', default: '3900' } } });


const model = await loadModel(modelDir(values.model as TinyModel), { dtype: 'q4' });
const n = Number(values.tokens);
const prompt = Array.from({ length: n }, (_, i) => 100 + ((i * 7919) % 5000));
await model.lm.forward(prompt.slice(0, 8)); // warm the session's allocator at a small size
model.lm.reset();
const t0 = performance.now();
const { rss } = await withPeakRss(() => model.lm.forward(prompt));
const ms = performance.now() - t0;
await model.dispose();
if (!rss) throw new Error('peak memory needs Linux (/proc/self/clear_refs)');
console.log(JSON.stringify({ model: values.model, tokens: n, rssBeforeBytes: rss.before, peakRssBytes: rss.peak, prefillPeakAboveBytes: rss.peak - rss.before, ms: Math.round(ms) }));
