/**
 * Importing the re-validation builds no ajv instance (a top-level one is a side effect bundlers must
 * keep); the first validation builds one, later ones reuse it.
 */
import { describe, expect, it, vi } from 'vitest';

const made = vi.hoisted(() => ({ count: 0 }));
vi.mock('ajv/dist/2020.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('ajv/dist/2020.js')>();
  class Counted extends real.Ajv2020 {
    constructor(...args: ConstructorParameters<typeof real.Ajv2020>) {
      super(...args);
      made.count++;
    }
  }
  return { ...real, Ajv2020: Counted };
});

describe('validatePlan: ajv on first use', () => {
  it('builds ajv at the first validation, once', async () => {
    const { validatePlan } = await import('../../src/planner/validate-plan.ts');
    expect(made.count).toBe(0);
    const tools = [{ name: 'f', description: '', parameters: { type: 'object', properties: { a: { type: 'integer' } } } }];
    const plan = () => ({ steps: [{ id: 1, tool: 'f', args: { a: 1 }, depends_on: [] }] });
    expect(() => validatePlan({ steps: [] }, tools, 0, 1)).not.toThrow();
    expect(made.count).toBe(0); // no arguments to check: nothing compiled
    validatePlan(plan(), tools, 1, 1);
    validatePlan(plan(), [{ ...tools[0]!, parameters: { type: 'object' } }], 1, 1);
    expect(made.count).toBe(1);
  });
});
