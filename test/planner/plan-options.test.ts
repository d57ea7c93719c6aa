/** Plan options are checked before any work, with a typed error naming the option. */
import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../src/planner/errors.ts';
import { checkPlanOptions } from '../../src/planner/plan-options.ts';
import type { PlanOptions } from '../../src/planner/types.ts';

describe('checkPlanOptions', () => {
  it('refuses wrong types and ranges, naming the option', () => {
    const bad: [string, unknown][] = [
      ['maxTokens', NaN],
      ['maxTokens', '100'],
      ['maxTokens', 0],
      ['maxSteps', 1.5],
      ['minSteps', -1],
      ['temperature', -0.1],
      ['temperature', Infinity],
      ['topP', 2],
      ['topK', -3],
      ['seed', 'x'],
      ['format', 'bogus'],
      ['jumpForward', 'yes'],
      ['maxSteps', 1000],
      ['signal', { aborted: false }],
    ];
    for (const [key, value] of bad) {
      const err = (() => {
        try {
          checkPlanOptions({ [key]: value } as PlanOptions);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(err, `${key}: ${String(value)}`).toBeInstanceOf(InvalidOptionError);
      expect((err as InvalidOptionError).option).toBe(key);
    }
    expect(() => checkPlanOptions({ minSteps: 3, maxSteps: 2 })).toThrow(InvalidOptionError);
  });

  it('accepts every documented value', () => {
    expect(() => checkPlanOptions({})).not.toThrow();
    expect(() => checkPlanOptions({ maxTokens: 1, maxSteps: 1, minSteps: 0, temperature: 0, topP: 1, topK: 0, seed: 0, format: 'tool-calls', jumpForward: false })).not.toThrow();
    expect(() => checkPlanOptions({ temperature: 0.7, topP: 0.9, topK: 40, seed: 2 ** 32, format: 'steps' })).not.toThrow();
  });
});
