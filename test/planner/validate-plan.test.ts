/**
 * The planner's final check agrees with ajv on the full plan schema: for random plan-like values
 * (valid plans and mutations of them), validatePlan accepts exactly when ajv accepts.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PlanValidationError } from '../../src/planner/errors.ts';
import { planSchema } from '../../src/planner/plan-schema.ts';
import { normalizeTools } from '../../src/planner/tools.ts';
import { validatePlan, validatorsHeld } from '../../src/planner/validate-plan.ts';
import { TOOLS } from '../../scripts/lib/tools-fixture.ts';

const tools = normalizeTools(TOOLS);
const ajv = new Ajv2020({ strict: false });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);

const validArgs: Record<string, fc.Arbitrary<Record<string, unknown>>> = {
  search_flights: fc.record({ from: fc.constantFrom('Lisbon', 'Porto'), to: fc.constant('Berlin'), date: fc.constantFrom('2026-12-05', '2026-02-28'), max_price: fc.integer({ min: 0, max: 5000 }) }, { requiredKeys: ['from', 'to', 'date'] }),
  send_email: fc.record({ to: fc.constantFrom('ana@example.com', 'bo@x.io'), subject: fc.constant('hi') }, { requiredKeys: ['to', 'subject'] }),
  get_weather: fc.record({ city: fc.constantFrom('Oslo', 'Faro'), unit: fc.constantFrom('c', 'f') }, { requiredKeys: ['city'] }),
};
type Step = { id: unknown; tool: unknown; args: Record<string, unknown>; depends_on: unknown[]; [k: string]: unknown };

const validStep = (k: number): fc.Arbitrary<Step> =>
  fc.constantFrom('search_flights', 'send_email', 'get_weather').chain((tool) =>
    fc.record({ id: fc.constant(k), tool: fc.constant(tool), args: validArgs[tool]!, depends_on: fc.subarray(Array.from({ length: k - 1 }, (_, i) => i + 1)) }),
  );
const validPlan = (maxSteps: number) =>
  fc.integer({ min: 0, max: maxSteps }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => validStep(i + 1))).map((steps) => ({ steps })));

/** One fault applied to step `i` (or to the plan): each one the schema rejects, unless a no-op. */
const MUTATIONS: ((p: { steps: Step[] }, i: number) => unknown)[] = [
  (p, i) => (p.steps[i] ? ((p.steps[i]!.id = i + 2), p) : p),
  (p, i) => (p.steps[i] ? ((p.steps[i]!.tool = 'delete_all'), p) : p),
  (p, i) => (p.steps[i] ? ((p.steps[i]!.depends_on = [i + 1]), p) : p),
  (p, i) => (p.steps[i] ? ((p.steps[i]!.depends_on = [0]), p) : p),
  (p, i) => (p.steps[i] ? ((p.steps[i]!.why = 'x'), p) : p),
  (p, i) => (p.steps[i] ? (Reflect.deleteProperty(p.steps[i]!, 'depends_on'), p) : p),
  (p, i) => (p.steps[i] ? ((p.steps[i]!.args = { ...p.steps[i]!.args, city: 7, to: 'nope', date: '2026-13-01' }), p) : p),
  (p, i) => (p.steps[i] ? ((p.steps[i]!.args = { ...p.steps[i]!.args, unknown_key: 1 }), p) : p),
  (p) => ({ ...p, note: 1 }),
  (p) => ({ steps: [...p.steps, ...p.steps, ...p.steps, ...p.steps] }),
  () => ({ plan: [] }),
  () => [],
];

const planOrMutation = (maxSteps: number) =>
  fc.oneof(
    validPlan(maxSteps),
    fc.tuple(validPlan(maxSteps), fc.integer({ min: 0, max: MUTATIONS.length - 1 }), fc.nat(3)).map(([p, m, i]) => MUTATIONS[m]!(p as { steps: Step[] }, i)),
  );

describe('validatePlan', () => {
  it('accepts exactly what ajv accepts on the plan schema (random plans and mutations)', () => {
    for (const [minSteps, maxSteps] of [[1, 3], [0, 2]] as const) {
      const validate = ajv.compile(planSchema(tools, maxSteps, minSteps));
      let accepted = 0;
      let rejected = 0;
      fc.assert(
        fc.property(planOrMutation(maxSteps), (value) => {
          const copy = structuredClone(value);
          const expected = validate(copy);
          let ok = true;
          try {
            validatePlan(copy, tools, minSteps, maxSteps);
          } catch (e) {
            expect(e).toBeInstanceOf(PlanValidationError);
            ok = false;
          }
          expect(ok, JSON.stringify(value)).toBe(expected);
          if (ok) accepted++;
          else rejected++;
        }),
        { numRuns: 400, seed: 7 + maxSteps },
      );
      // Both verdicts must occur, or the property proves little.
      expect(accepted).toBeGreaterThan(50);
      expect(rejected).toBeGreaterThan(50);
    }
  });

  it('names the faults', () => {
    const bad = { steps: [{ id: 1, tool: 'send_email', args: { to: 'nope' }, depends_on: [1] }] };
    expect(() => validatePlan(bad, tools, 1, 5)).toThrow(/steps\/0\/depends_on.*|steps\/0\/args/);
    try {
      validatePlan(bad, tools, 1, 5);
    } catch (e) {
      const errors = (e as PlanValidationError).errors;
      expect(errors.some((x) => x.startsWith('/steps/0/depends_on'))).toBe(true);
      expect(errors.some((x) => x.startsWith('/steps/0/args/to'))).toBe(true);
    }
  });

  it('follows a tool schema changed in place (validators are not kept past a change)', () => {
    const tool = normalizeTools([{ name: 'pick', parameters: { type: 'object', properties: { c: { enum: ['x'] } }, required: ['c'] } }]);
    const plan = () => ({ steps: [{ id: 1, tool: 'pick', args: { c: 'y' }, depends_on: [] }] });
    expect(() => validatePlan(plan(), tool, 1, 1)).toThrow(PlanValidationError);
    tool[0]!.parameters.properties = { c: { enum: ['y'] } };
    expect(validatePlan(plan(), tool, 1, 1).steps[0]!.args).toEqual({ c: 'y' });
  });

  it('a recursive `$ref: "#"` under a root `$id` and `$schema` still recurses, in fresh copies too', () => {
    for (let i = 0; i < 2; i++) {
      const parameters = { $id: 'https://example.com/tree', $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { n: { type: 'integer' }, kids: { type: 'array', items: { $ref: '#' } } }, additionalProperties: false };
      const tree = normalizeTools([{ name: 'tree', parameters }]);
      const plan = (args: unknown) => ({ steps: [{ id: 1, tool: 'tree', args, depends_on: [] }] });
      expect(validatePlan(plan({ kids: [{ n: 1, kids: [{ n: 2 }] }] }), tree, 1, 1).steps).toHaveLength(1);
      expect(() => validatePlan(plan({ kids: [{ kids: [{ n: 'x' }] }] }), tree, 1, 1)).toThrow(/\/steps\/0\/args\/kids\/0\/kids\/0\/n must be integer/);
      expect(parameters.$id).toBe('https://example.com/tree');
    }
  });
});

describe('validators are bounded', () => {
  it('fresh tool objects with the same schemas every call (a server, an app rebuilding its tools) do not grow ajv', () => {
    const plan = { steps: [{ id: 1, tool: 'get_weather', args: { city: 'Oslo' }, depends_on: [] }] };
    validatePlan(structuredClone(plan), normalizeTools(structuredClone(TOOLS)), 1, 5);
    const before = validatorsHeld();
    for (let i = 0; i < 500; i++) validatePlan(structuredClone(plan), normalizeTools(structuredClone(TOOLS)), 1, 5);
    expect(validatorsHeld()).toEqual(before);
    // Distinct schemas beyond the bound evict the oldest, from ajv too.
    for (let i = 0; i < 600; i++) {
      const tools = normalizeTools([{ name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string', maxLength: 10 + i } } } }]);
      validatePlan(structuredClone(plan), tools, 1, 5);
    }
    const after = validatorsHeld();
    expect(after.here).toBeLessThanOrEqual(256);
    expect(after.ajv).toBeLessThanOrEqual(before.ajv + 256);
  });
});
