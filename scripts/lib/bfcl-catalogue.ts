/**
 * All BFCL v4 functions in ../shared/data/bfcl as one catalogue (first definition of each name),
 * with every query that has ground truth: what the shortlist's recall is measured on.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bfclCases } from '../../src/eval/bfcl-cases.ts';
import type { EvalCase } from '../../src/eval/cases.ts';
import { normalizeTools, type Tool } from '../../src/planner/index.ts';
import { sharedData } from './shared.ts';

const CATEGORIES = ['simple_python', 'multiple', 'parallel', 'parallel_multiple'];

export function bfclCatalogue(): { tools: Tool[]; cases: EvalCase[] } {
  const dir = sharedData('bfcl');
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  const cases = CATEGORIES.flatMap((c) => bfclCases(c, read(`BFCL_v4_${c}.json`), read(`BFCL_v4_${c}.answer.json`)));
  const irrelevance = bfclCases('irrelevance', read('BFCL_v4_irrelevance.json'), undefined);
  const byName = new Map<string, EvalCase['tools'][number]>();
  for (const c of [...cases, ...irrelevance]) for (const t of c.tools) if (!byName.has(t.name)) byName.set(t.name, t);
  return { tools: normalizeTools([...byName.values()]), cases: cases.filter((c) => c.expected.length > 0) };
}

/** Mean share of each case's ground-truth functions found among the first `k` of its ranking. */
export function recallAt(cases: readonly EvalCase[], ranked: readonly (readonly string[])[], k: number): number {
  let sum = 0;
  cases.forEach((c, i) => {
    const want = new Set(c.expected.map((e) => e.name));
    const top = new Set(ranked[i]!.slice(0, k));
    sum += [...want].filter((w) => top.has(w)).length / want.size;
  });
  return sum / cases.length;
}
