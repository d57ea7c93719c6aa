/**
 * Independent re-validation of a generated plan with ajv (draft 2020-12, formats on), cached per
 * plan schema. The grammar makes failure impossible; this check keeps it honest.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { PlanValidationError } from './errors.ts';
import type { Plan } from './plan.ts';
import type { JsonSchema } from './tools.ts';

const ajv = new Ajv2020({ strict: false, allErrors: true });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
const validators = new Map<string, ValidateFunction>();

/** Checks `value` against `schema`; returns it as a Plan or throws PlanValidationError. */
export function validatePlan(value: unknown, schema: JsonSchema, key: string): Plan {
  let v = validators.get(key);
  if (!v) {
    v = ajv.compile(schema);
    if (validators.size >= 32) validators.delete(validators.keys().next().value!);
    validators.set(key, v);
  }
  if (!v(value)) throw new PlanValidationError((v.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`));
  const plan = value as Plan;
  for (const s of plan.steps) s.depends_on = [...new Set(s.depends_on)].sort((a, b) => a - b);
  return plan;
}
