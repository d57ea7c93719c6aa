/**
 * `npm run bench:shortlist`: the shortlist on all BFCL v4 functions as one catalogue. For every BFCL
 * query with ground truth: recall@5/10/20 of its functions; prompt tokens with the whole catalogue
 * and with a shortlist of 10 (Qwen3.5's tokenizer and chat template, via the tiny fixture model);
 * ranking time per query, also for a catalogue grown to 3,000 tools. Target: recall@10 ≥ 0.95.
 *
 *   npm run bench:shortlist [-- --k 10 --prompts 100]
 */
import { parseArgs } from 'node:util';
import { loadModel } from '../../src/model/index.ts';
import { PlanContext, shortlistTools, ToolIndex, type Tool } from '../../src/planner/index.ts';
import { bfclCatalogue, recallAt } from '../lib/bfcl-catalogue.ts';
import { modelDir } from '../lib/fixtures.ts';

const { values } = parseArgs({ options: { k: { type: 'string', default: '10' }, prompts: { type: 'string', default: '100' } } });
const k = Number(values.k);
const { tools, cases } = bfclCatalogue();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)]!;

async function timing(catalogue: Tool[]): Promise<{ tools: number; indexMs: number; rankMedianMs: number; rankP95Ms: number; ranked: string[][] }> {
  let t = performance.now();
  const index = await ToolIndex.of(catalogue);
  const indexMs = performance.now() - t;
  const times: number[] = [];
  const ranked: string[][] = [];
  for (const c of cases) {
    t = performance.now();
    const r = index.rank(c.query);
    times.push(performance.now() - t);
    ranked.push(r.map((i) => catalogue[i]!.name));
  }
  return { tools: catalogue.length, indexMs: +indexMs.toFixed(1), rankMedianMs: +median(times).toFixed(2), rankP95Ms: +p95(times).toFixed(2), ranked };
}

const own = await timing(tools);
// 3,000 tools: the catalogue again under other names (what a platform's catalogue costs to rank).
const grown = Array.from({ length: 3000 }, (_, i) => (i < tools.length ? tools[i]! : { ...tools[i % tools.length]!, name: `${tools[i % tools.length]!.name}_v${Math.floor(i / tools.length)}` }));
const big = await timing(grown);

const recall = { 5: recallAt(cases, own.ranked, 5), 10: recallAt(cases, own.ranked, 10), 20: recallAt(cases, own.ranked, 20) };

// Prompt tokens: the whole catalogue once; a shortlist of k per query for a sample of queries.
const model = await loadModel(modelDir('tiny-qwen3_5'), { dtype: 'q4' });
const context = new PlanContext(model);
const wholeTokens = context.prompt(cases[0]!.query, tools).tokens.length;
const shortTokens: number[] = [];
for (const c of cases.slice(0, Number(values.prompts))) {
  const { tools: kept } = await shortlistTools(c.query, tools, { k });
  shortTokens.push(context.prompt(c.query, kept).tokens.length);
}
await model.dispose();

const result = {
  catalogue: tools.length,
  queries: cases.length,
  recall: { at5: +recall[5].toFixed(3), at10: +recall[10].toFixed(3), at20: +recall[20].toFixed(3) },
  target: { recallAt10: 0.95, met: recall[10] >= 0.95 },
  promptTokens: { wholeCatalogue: wholeTokens, shortlistMedian: median(shortTokens), shortlistMax: Math.max(...shortTokens), k, sampled: shortTokens.length },
  ranking: [
    { tools: own.tools, indexMs: own.indexMs, rankMedianMs: own.rankMedianMs, rankP95Ms: own.rankP95Ms },
    { tools: big.tools, indexMs: big.indexMs, rankMedianMs: big.rankMedianMs, rankP95Ms: big.rankP95Ms },
  ],
};
console.log(JSON.stringify(result, null, 2));
console.log(`\nrecall@5 ${result.recall.at5}, @10 ${result.recall.at10}, @20 ${result.recall.at20} over ${cases.length} queries, ${tools.length} functions (target @10 ≥ 0.95: ${result.target.met ? 'met' : 'NOT met'})`);
console.log(`prompt tokens: whole catalogue ${wholeTokens}, shortlist of ${k}: median ${result.promptTokens.shortlistMedian} (max ${result.promptTokens.shortlistMax})`);
for (const r of result.ranking) console.log(`${r.tools} tools: index ${r.indexMs} ms once, rank ${r.rankMedianMs} ms median / ${r.rankP95Ms} ms p95 per query`);
process.exit(result.target.met ? 0 : 1);
