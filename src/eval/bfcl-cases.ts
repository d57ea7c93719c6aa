/** BFCL v4 question + answer files → toolplan evaluation cases (the adapter is in bfcl-schema.ts). */
import type { BareTool, JsonSchema } from '../planner/index.ts';
import { bfclToJsonSchema } from './bfcl-schema.ts';
import type { EvalCase, ExpectedCall } from './cases.ts';

interface BfclQuestion {
  id: string;
  question: { role: string; content: string }[][];
  function: { name: string; description?: string; parameters: unknown }[];
}
interface BfclAnswer {
  id: string;
  ground_truth: Record<string, Record<string, unknown[]>>[];
}

function lines<T>(text: string): T[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

/** Converts one category; `answers` is absent for irrelevance (no call is right). */
export function bfclCases(category: string, questions: string, answers: string | undefined): EvalCase[] {
  const truth = new Map(answers ? lines<BfclAnswer>(answers).map((a) => [a.id, a.ground_truth]) : []);
  return lines<BfclQuestion>(questions).map((q) => {
    const user = q.question[0]?.filter((m) => m.role === 'user').map((m) => m.content).join('\n') ?? '';
    const tools: BareTool[] = q.function.map((f) => ({
      name: f.name,
      ...(f.description ? { description: f.description } : {}),
      parameters: bfclToJsonSchema(f.parameters) as JsonSchema,
    }));
    const expected: ExpectedCall[] = (truth.get(q.id) ?? []).map((call) => {
      const [name, args] = Object.entries(call)[0]!;
      return { name, args };
    });
    return { id: q.id, category, query: user, tools, expected };
  });
}
