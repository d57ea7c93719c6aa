/**
 * npm run bench:compiler-memory — what a compiled grammar holds per byte of its source's JSON, the
 * figure GrammarCompiler's byte bound estimates grammars by (GRAMMAR_BYTES_PER_SOURCE_BYTE): heap
 * growth (after GC) of compiling, built whole, BFCL's functions one by one and a plan schema over
 * all of them, divided by their JSON length. Also what the string caches hold after masks over them.
 * Needs `node --expose-gc` (the npm script passes it).
 */
import { GrammarCompiler } from '../../src/grammar/index.ts';
import { planSchema } from '../../src/planner/index.ts';
import { bfclCatalogue } from '../lib/bfcl-catalogue.ts';
import { qwenVocabulary } from '../lib/qwen-vocab.ts';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc (npm run bench:compiler-memory)');
const heap = (): number => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

const vocab = qwenVocabulary();
const { tools } = bfclCatalogue();
const mask = vocab.allocateMask();

function measure(label: string, schemas: unknown[]): void {
  const compiler = new GrammarCompiler(vocab, { cacheBytes: 2 ** 40 });
  const before = heap();
  const held = schemas.map((s) => compiler.compileSchema(s));
  const after = heap();
  const json = schemas.reduce<number>((n, s) => n + JSON.stringify(s).length, 0);
  for (const g of held) g.matcher().fillMask(mask);
  const sizes = compiler.cacheSizes();
  console.log(
    JSON.stringify({
      label,
      schemas: schemas.length,
      json_bytes: json,
      heap_bytes: after - before,
      heap_per_json_byte: +((after - before) / json).toFixed(1),
      counted_grammar_bytes_per_json_byte: +(sizes.grammars.bytes / json).toFixed(1),
      string_caches_bytes: sizes.freeStrings.bytes + sizes.boundStrings.bytes,
      string_entries: sizes.freeStrings.entries + sizes.boundStrings.entries,
    }),
  );
}

measure('BFCL functions, one grammar each', tools.map((t) => t.parameters));
measure('one plan schema over all BFCL functions', [planSchema(tools, 5, 1)]);
