/**
 * Evaluation cases: a query, the tools offered, and the expected calls with BFCL's lists of
 * acceptable values per argument (`""` in a list = the argument may be left out).
 */
import type { BareTool } from '../planner/index.ts';

/** One expected call: tool name and, per argument, the acceptable values. */
export interface ExpectedCall {
  name: string;
  args: Record<string, unknown[]>;
}

export interface EvalCase {
  id: string;
  /** BFCL category (simple_python, multiple, parallel, parallel_multiple, irrelevance). */
  category: string;
  query: string;
  tools: BareTool[];
  /** Empty for irrelevance cases: the right answer is no call. */
  expected: ExpectedCall[];
}

/** Difficulty by the number of expected calls. */
export function difficulty(c: EvalCase): 'none' | '1 call' | '2-3 calls' | '4+ calls' {
  const n = c.expected.length;
  return n === 0 ? 'none' : n === 1 ? '1 call' : n <= 3 ? '2-3 calls' : '4+ calls';
}

/** Parses the repo's JSON-lines case file. */
export function parseCases(jsonl: string): EvalCase[] {
  return jsonl
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as EvalCase);
}
