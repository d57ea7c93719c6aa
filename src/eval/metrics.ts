/**
 * Per-case metrics. The model card's six, as we define them (each 0 or 1 per case; a plan that does
 * not parse scores 0 on all):
 * - validJson: the output parses as JSON and has the plan shape ({steps: [{id, tool, args, depends_on}]}).
 * - realIds ("Real Production IDs"): every step calls a tool offered in the request (no invented tools).
 * - correctPlugins ("Correct Plugin IDs"): the multiset of tools called equals the expected one
 *   (irrelevance: no call).
 * - paramsType ("Params Correct Type"): every step's args validate against its tool's schema (ajv).
 * - paramKeys ("Param Keys Match"): steps pair with expected calls of the same tool, and each step
 *   gives every key the answer requires and no key it does not know.
 * - depsBackward ("Dependencies Present"; BFCL has no true links, so we check the structure): ids run
 *   1..n and every depends_on names an earlier step.
 * composite = the mean of those six. astMatch: BFCL's own AST accuracy (ast-match.ts), calls matched
 * in any order.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { matchArgs } from './ast-match.ts';
import type { EvalCase, ExpectedCall } from './cases.ts';

export interface PlanLike {
  steps: { id: number; tool: string; args: Record<string, unknown>; depends_on: number[] }[];
}

export interface CaseMetrics {
  validJson: number;
  realIds: number;
  correctPlugins: number;
  paramsType: number;
  paramKeys: number;
  depsBackward: number;
  composite: number;
  astMatch: number;
}

export const CARD_METRICS = ['validJson', 'realIds', 'correctPlugins', 'paramsType', 'paramKeys', 'depsBackward'] as const;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The plan in `text`, or null when it is not JSON of the plan's shape. */
export function parsePlan(text: string): PlanLike | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObject(v) || !Array.isArray(v.steps)) return null;
  for (const s of v.steps) {
    if (!isObject(s) || typeof s.tool !== 'string' || !isObject(s.args) || typeof s.id !== 'number') return null;
    if (!Array.isArray(s.depends_on) || !s.depends_on.every((d) => typeof d === 'number')) return null;
  }
  return v as unknown as PlanLike;
}

const ajv = new Ajv2020({ strict: false, allErrors: false, logger: false });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
const validators = new WeakMap<object, ReturnType<typeof ajv.compile>>();
function validatorFor(schema: object): ReturnType<typeof ajv.compile> {
  let v = validators.get(schema);
  if (!v) validators.set(schema, (v = ajv.compile(schema)));
  return v;
}

/** Pairs each expected call with a distinct step of the same tool, in order; null if any is unpaired or a step is left over. */
function pairByName(plan: PlanLike, expected: readonly ExpectedCall[]): [PlanLike['steps'][number], ExpectedCall][] | null {
  if (plan.steps.length !== expected.length) return null;
  const free = [...plan.steps];
  const pairs: [PlanLike['steps'][number], ExpectedCall][] = [];
  for (const e of expected) {
    const i = free.findIndex((s) => s.tool === e.name);
    if (i < 0) return null;
    pairs.push([free[i]!, e]);
    free.splice(i, 1);
  }
  return pairs;
}

/** Whether some one-to-one assignment matches every step to an expected call (backtracking; n is small). */
function astMatches(plan: PlanLike, expected: readonly ExpectedCall[]): boolean {
  if (plan.steps.length !== expected.length) return false;
  const used = new Array<boolean>(expected.length).fill(false);
  const go = (i: number): boolean => {
    if (i === plan.steps.length) return true;
    const s = plan.steps[i]!;
    for (let j = 0; j < expected.length; j++) {
      if (used[j] || expected[j]!.name !== s.tool || !matchArgs(s.args, expected[j]!.args)) continue;
      used[j] = true;
      if (go(i + 1)) return true;
      used[j] = false;
    }
    return false;
  };
  return go(0);
}

const b = (x: boolean): number => (x ? 1 : 0);

/** Scores one case's output text (a JSON plan). */
export function scoreCase(c: EvalCase, text: string): CaseMetrics {
  return scorePlan(c, parsePlan(text));
}

/** Scores one case's output, already read as a plan (null: the output did not parse). */
export function scorePlan(c: EvalCase, plan: PlanLike | null): CaseMetrics {
  if (!plan) return { validJson: 0, realIds: 0, correctPlugins: 0, paramsType: 0, paramKeys: 0, depsBackward: 0, composite: 0, astMatch: 0 };
  const tools = new Map(c.tools.map((t) => [t.name, t]));
  const realIds = plan.steps.every((s) => tools.has(s.tool));
  const sorted = (xs: string[]) => [...xs].sort().join('\n');
  const correctPlugins = sorted(plan.steps.map((s) => s.tool)) === sorted(c.expected.map((e) => e.name));
  const paramsType = plan.steps.every((s) => {
    const t = tools.get(s.tool);
    return t !== undefined && validatorFor(t.parameters ?? { type: 'object' })(s.args) === true;
  });
  const pairs = pairByName(plan, c.expected);
  const paramKeys =
    pairs !== null &&
    pairs.every(([s, e]) => {
      const known = Object.keys(e.args);
      const required = known.filter((k) => !(Array.isArray(e.args[k]) && e.args[k]!.includes('')));
      return Object.keys(s.args).every((k) => known.includes(k)) && required.every((k) => k in s.args);
    });
  const depsBackward = plan.steps.every((s, i) => s.id === i + 1 && s.depends_on.every((d) => Number.isInteger(d) && d >= 1 && d < s.id));
  const card = { validJson: 1, realIds: b(realIds), correctPlugins: b(correctPlugins), paramsType: b(paramsType), paramKeys: b(paramKeys), depsBackward: b(depsBackward) };
  const composite = CARD_METRICS.reduce((a, k) => a + card[k], 0) / CARD_METRICS.length;
  return { ...card, composite, astMatch: b(astMatches(plan, c.expected)) };
}

