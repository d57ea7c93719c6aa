/**
 * npm run bench:setup — time from a `plan()` call's tools to its first mask, the planner's way:
 * tool checks, plan grammar (deferred checks) and the first mask, for a new tool set and for the
 * same tools again, in both plan formats, on the Qwen tokenizer (151,936 ids). Tools are distinct
 * (each has its own bounds and title), as in a real catalogue. Prints a table and JSON lines.
 *
 * Flags: --tools 5,50,500,3000  --repeat 3
 */
import { parseArgs } from 'node:util';
import { GrammarCompiler } from '../../src/grammar/index.ts';
import { formatOf, PlanGrammars, ToolSet, type ToolInput } from '../../src/planner/index.ts';
import { qwenVocabulary } from '../lib/qwen-vocab.ts';
import { median } from '../../src/eval/stats.ts';

const { values } = parseArgs({ options: { tools: { type: 'string', default: '5,50,500,3000' }, repeat: { type: 'string', default: '3' } } });
const vocab = qwenVocabulary();
const mask = vocab.allocateMask();
// One compiler per model, as the planner has: the vocabulary's string caches outlive tool sets.
const compiler = new GrammarCompiler(vocab);

function catalogue(n: number, salt: number): ToolInput[] {
  return Array.from({ length: n }, (_, i) => ({
    name: `tool_${i}`,
    description: `tool ${i}`,
    parameters: {
      type: 'object',
      properties: {
        query: { type: 'string', maxLength: 40 + (i % 50), title: `q${salt}` },
        limit: { type: 'integer', minimum: 0, maximum: 10 + i },
        mode: { enum: ['fast', 'exact', 'fuzzy'] },
        when: { type: 'string', format: 'date' },
      },
      required: ['query', 'limit'],
      additionalProperties: false,
    },
  }));
}

const rows: { tools: number; format: string; new_ms: number; again_ms: number }[] = [];
let salt = 0;
for (const n of values.tools!.split(',').map(Number)) {
  for (const format of ['steps', 'tool-calls'] as const) {
    const fresh: number[] = [];
    const again: number[] = [];
    for (let r = 0; r < Number(values.repeat) + 1; r++) {
      const grammars = new PlanGrammars(compiler);
      const tools = catalogue(n, salt++);
      // Reading the tool set (normalised, content key) is part of every call, as in PlanContext.prepare.
      let t = performance.now();
      grammars.get(ToolSet.of(tools), formatOf(format), 'xml', 1, 5).matcher({ maxTokens: 512 }).fillMask(mask);
      const first = performance.now() - t;
      t = performance.now();
      grammars.get(ToolSet.of(tools), formatOf(format), 'xml', 1, 5).matcher({ maxTokens: 512 }).fillMask(mask);
      // The first round warms the JIT and the vocabulary's caches.
      if (r > 0) fresh.push(first), again.push(performance.now() - t);
    }
    const row = { tools: n, format, new_ms: +median(fresh).toFixed(1), again_ms: +median(again).toFixed(1) };
    rows.push(row);
    console.log(JSON.stringify(row));
  }
}
console.log('\n| tools | format | new tool set: checks + grammar + first mask, ms | same tools again, ms |\n|---|---|---|---|');
for (const r of rows) console.log(`| ${r.tools} | ${r.format} | ${r.new_ms} | ${r.again_ms} |`);
