/** Every metric on hand-made cases, right and wrong, so a broken metric cannot pass silently. */
import { describe, expect, it } from 'vitest';
import { acceptable, matchArgs, sameValue } from '../../src/eval/ast-match.ts';
import { bfclCases } from '../../src/eval/bfcl-cases.ts';
import type { EvalCase } from '../../src/eval/cases.ts';
import { parsePlan, scoreCase } from '../../src/eval/metrics.ts';
import { markdown, summarize } from '../../src/eval/report.ts';
import type { CaseResult } from '../../src/eval/run.ts';

const CASE: EvalCase = {
  id: 't1',
  category: 'parallel_multiple',
  query: 'Weather in Paris and Oslo, then email it',
  tools: [
    { name: 'weather', parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['c', 'f'] } }, required: ['city'] } },
    { name: 'email', parameters: { type: 'object', properties: { to: { type: 'string' }, days: { type: 'integer' } }, required: ['to'] } },
  ],
  expected: [
    { name: 'weather', args: { city: ['Paris', 'Paris, France'], unit: ['c', ''] } },
    { name: 'weather', args: { city: ['Oslo'], unit: ['c', ''] } },
    { name: 'email', args: { to: ['ana@example.com'], days: [3, ''] } },
  ],
};
const plan = (steps: unknown[]) => JSON.stringify({ steps });
const step = (id: number, tool: string, args: object, deps: number[] = []) => ({ id, tool, args, depends_on: deps });
const GOOD = plan([step(1, 'weather', { city: 'Oslo' }), step(2, 'weather', { city: 'paris, france', unit: 'c' }), step(3, 'email', { to: 'ana@example.com' }, [1, 2])]);

describe('scoreCase', () => {
  it('a right plan scores 1 everywhere (calls in any order, lenient strings, optional args left out)', () => {
    expect(scoreCase(CASE, GOOD)).toEqual({ validJson: 1, realIds: 1, correctPlugins: 1, paramsType: 1, paramKeys: 1, depsBackward: 1, composite: 1, astMatch: 1 });
  });
  it('text that is not JSON, or JSON of another shape, scores 0 on all', () => {
    for (const t of ['{"steps": [', 'null', '{"plan": []}', plan([{ id: 1, tool: 'weather', args: 'x', depends_on: [] }])]) {
      expect(scoreCase(CASE, t).validJson).toBe(0);
      expect(scoreCase(CASE, t).composite).toBe(0);
    }
  });
  it('an invented tool fails real ids, plugins, types and keys but not validity', () => {
    const m = scoreCase(CASE, plan([step(1, 'weather', { city: 'Oslo' }), step(2, 'weather', { city: 'Paris' }), step(3, 'fax', { to: 'x' })]));
    expect(m).toMatchObject({ validJson: 1, realIds: 0, correctPlugins: 0, paramsType: 0, paramKeys: 0, depsBackward: 1, astMatch: 0 });
    expect(m.composite).toBeCloseTo(2 / 6);
  });
  it('a missing call fails plugins, keys and AST; a wrong type fails param types only', () => {
    expect(scoreCase(CASE, plan([step(1, 'weather', { city: 'Oslo' }), step(2, 'email', { to: 'ana@example.com' })]))).toMatchObject({ realIds: 1, correctPlugins: 0, paramKeys: 0, astMatch: 0 });
    const typed = scoreCase(CASE, plan([step(1, 'weather', { city: 'Oslo' }), step(2, 'weather', { city: 'Paris' }), step(3, 'email', { to: 'ana@example.com', days: 'three' })]));
    expect(typed).toMatchObject({ paramsType: 0, paramKeys: 1, correctPlugins: 1, astMatch: 0 });
  });
  it('param keys: a required key missing or an unknown key fails; AST also checks values', () => {
    expect(scoreCase(CASE, plan([step(1, 'weather', {}), step(2, 'weather', { city: 'Paris' }), step(3, 'email', { to: 'ana@example.com' })])).paramKeys).toBe(0);
    expect(scoreCase(CASE, plan([step(1, 'weather', { city: 'Oslo', zip: 1 }), step(2, 'weather', { city: 'Paris' }), step(3, 'email', { to: 'ana@example.com' })])).paramKeys).toBe(0);
    const wrongValue = scoreCase(CASE, plan([step(1, 'weather', { city: 'Rome' }), step(2, 'weather', { city: 'Paris' }), step(3, 'email', { to: 'ana@example.com' })]));
    expect(wrongValue).toMatchObject({ paramKeys: 1, astMatch: 0 });
  });
  it('dependencies must point backwards and ids run 1..n', () => {
    expect(scoreCase(CASE, plan([step(1, 'weather', { city: 'Oslo' }, [2]), step(2, 'weather', { city: 'Paris' }), step(3, 'email', { to: 'ana@example.com' })])).depsBackward).toBe(0);
    expect(scoreCase(CASE, plan([step(2, 'weather', { city: 'Oslo' }), step(3, 'weather', { city: 'Paris' }), step(4, 'email', { to: 'ana@example.com' })])).depsBackward).toBe(0);
  });
  it('irrelevance: the empty plan is right, any call is wrong', () => {
    const irr: EvalCase = { ...CASE, category: 'irrelevance', expected: [] };
    expect(scoreCase(irr, plan([]))).toMatchObject({ correctPlugins: 1, paramKeys: 1, astMatch: 1, composite: 1 });
    expect(scoreCase(irr, plan([step(1, 'weather', { city: 'Oslo' })]))).toMatchObject({ correctPlugins: 0, paramKeys: 0, astMatch: 0 });
  });
});

describe('BFCL value matching', () => {
  it('numbers by value, strings standardized, arrays element-wise, nested dicts by their own lists', () => {
    expect(sameValue(5, 5.0)).toBe(true);
    expect(sameValue('5', 5)).toBe(false);
    expect(sameValue('New York, NY', 'new york ny')).toBe(true);
    expect(sameValue('New Yorker', 'new york')).toBe(false);
    expect(sameValue([3, 5], [3, 5])).toBe(true);
    expect(sameValue([5, 3], [3, 5])).toBe(false);
    expect(sameValue({ a: 1 }, { a: [1, 2] })).toBe(true);
    expect(sameValue({ a: 3 }, { a: [1, 2] })).toBe(false);
    expect(acceptable(true, [true])).toBe(true);
    expect(acceptable(false, [true])).toBe(false);
    expect(acceptable('', [''])).toBe(false); // "" marks omission, it is not a value
    expect(matchArgs({}, { x: [1, ''] })).toBe(true);
    expect(matchArgs({}, { x: [1] })).toBe(false);
  });
  it('parsePlan accepts only the plan shape', () => {
    expect(parsePlan(GOOD)?.steps).toHaveLength(3);
    expect(parsePlan('{"steps": [{"id": 1, "tool": "x", "args": {}, "depends_on": ["a"]}]}')).toBeNull();
  });
});

describe('BFCL conversion and report', () => {
  it('converts questions, schemas and answers; irrelevance has no expected calls', () => {
    const q = JSON.stringify({ id: 'x_0', question: [[{ role: 'user', content: 'Area of a circle r=5' }]], function: [{ name: 'area', description: 'd', parameters: { type: 'dict', properties: { r: { type: 'float' } }, required: ['r'] } }] });
    const ans = JSON.stringify({ id: 'x_0', ground_truth: [{ area: { r: [5.0] } }] });
    const [c] = bfclCases('simple_python', q, ans);
    expect(c).toEqual({ id: 'x_0', category: 'simple_python', query: 'Area of a circle r=5', tools: [{ name: 'area', description: 'd', parameters: { type: 'object', properties: { r: { type: 'number' } }, required: ['r'] } }], expected: [{ name: 'area', args: { r: [5] } }] });
    expect(bfclCases('irrelevance', q, undefined)[0]!.expected).toEqual([]);
  });
  it('aggregates per mode, category and difficulty, skipped cases apart', () => {
    const r = (id: string, mode: 'constrained' | 'unconstrained', text: string, skipped?: string): CaseResult => ({
      id, category: 'parallel_multiple', difficulty: '2-3 calls', mode, text, metrics: skipped ? null : scoreCase(CASE, text), ms: 10, tokens: 20, ...(skipped ? { skipped } : {}),
    });
    const rows = summarize([r('a', 'constrained', GOOD), r('b', 'constrained', '{'), r('c', 'constrained', '', 'multipleOf'), r('a', 'unconstrained', '{')]);
    const all = rows.find((x) => x.mode === 'constrained' && x.group === 'all')!;
    expect(all).toMatchObject({ cases: 2, skipped: 1 });
    expect(all.metrics.validJson).toBe(50);
    expect(rows.find((x) => x.mode === 'unconstrained' && x.group === '2-3 calls')!.metrics.validJson).toBe(0);
    expect(markdown(rows)).toContain('| constrained | all | 2 | 1 | 50.0 |');
  });
});
