/**
 * `npm run eval:data`: converts BFCL v4 (../shared/data/bfcl, Apache-2.0) into eval/data/bfcl.jsonl,
 * with its licence and source next to it. The converted file is committed; CI does not need ../shared.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bfclCases } from '../src/eval/bfcl-cases.ts';

const root = resolve(import.meta.dirname, '..');
const src = resolve(root, '../shared/data/bfcl');
const out = join(root, 'eval/data');
const CATEGORIES = ['simple_python', 'multiple', 'parallel', 'parallel_multiple', 'irrelevance'];
mkdirSync(out, { recursive: true });
const lines: string[] = [];
for (const c of CATEGORIES) {
  const answers = join(src, `BFCL_v4_${c}.answer.json`);
  const cases = bfclCases(c, readFileSync(join(src, `BFCL_v4_${c}.json`), 'utf8'), existsSync(answers) ? readFileSync(answers, 'utf8') : undefined);
  for (const k of cases) lines.push(JSON.stringify(k));
  console.log(`${c}: ${cases.length} cases`);
}
writeFileSync(join(out, 'bfcl.jsonl'), lines.join('\n') + '\n');
copyFileSync(join(src, 'LICENSE'), join(out, 'LICENSE-BFCL'));
writeFileSync(join(out, 'SOURCE-BFCL'), readFileSync(join(src, 'SOURCE'), 'utf8').trim() + '\nConverted by scripts/eval-data.ts (schemas adapted by src/eval/bfcl-schema.ts).\n');
