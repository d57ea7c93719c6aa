/**
 * Independent re-validation of a generated plan: the plan schema's structure (step count, ids in
 * order, offered tool names, dependencies on earlier steps only, no other keys) checked directly,
 * and each step's arguments checked with ajv (draft 2020-12, formats on) against its tool's own
 * parameters. The grammar makes failure impossible; this check keeps it honest.
 *
 * Why not ajv on the whole plan schema: it is a oneOf over every tool for every step, and ajv's
 * code generation for it takes ~0.7 s at 50 tools and minutes at 3,000; per-tool validators are
 * compiled only for the tools a plan uses, and cached.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { PlanValidationError } from './errors.ts';
import type { Plan } from './plan.ts';
import type { JsonSchema, Tool } from './tools.ts';

const ajv = new Ajv2020({ strict: false, allErrors: true });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
const validators = new WeakMap<JsonSchema, { json: string; validate: ValidateFunction }>();

/** ajv's validator for a tool's parameters, compiled again if the schema object changed in place. */
function validatorFor(schema: JsonSchema): ValidateFunction {
  const json = JSON.stringify(schema);
  let v = validators.get(schema);
  if (!v || v.json !== json) {
    // ajv keeps its own compiled form per schema object: drop it, or it would answer for the old content.
    if (v) ajv.removeSchema(schema);
    validators.set(schema, (v = { json, validate: ajv.compile(schema) }));
  }
  return v.validate;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const STEP_KEYS = ['id', 'tool', 'args', 'depends_on'];

/** The structural faults of `value` as a plan over `tools` with minSteps..maxSteps steps. */
function faults(value: unknown, tools: ReadonlyMap<string, Tool>, minSteps: number, maxSteps: number): string[] {
  if (!isObject(value) || Object.keys(value).join() !== 'steps' || !Array.isArray(value.steps)) return ['/ must be {"steps": [...]}'];
  const steps: unknown[] = value.steps;
  const out: string[] = [];
  if (steps.length < minSteps || steps.length > maxSteps) out.push(`/steps must have ${minSteps}..${maxSteps} steps`);
  steps.forEach((s, i) => {
    const at = `/steps/${i}`;
    const k = i + 1;
    if (!isObject(s) || Object.keys(s).length !== 4 || !STEP_KEYS.every((key) => key in s)) {
      out.push(`${at} must have exactly id, tool, args, depends_on`);
      return;
    }
    if (s.id !== k) out.push(`${at}/id must be ${k}`);
    const tool = typeof s.tool === 'string' ? tools.get(s.tool) : undefined;
    if (!tool) out.push(`${at}/tool must be one of the offered tools`);
    const deps = s.depends_on;
    if (!Array.isArray(deps) || deps.length > k - 1 || !deps.every((d) => Number.isInteger(d) && d >= 1 && d < k)) {
      out.push(`${at}/depends_on must list ids of earlier steps`);
    }
    if (tool) {
      const v = validatorFor(tool.parameters);
      if (!v(s.args)) for (const e of v.errors ?? []) out.push(`${at}/args${e.instancePath} ${e.message ?? ''}`);
    }
  });
  return out;
}

/** Checks `value` as a plan over `tools`; returns it as a Plan (dependencies sorted, deduplicated) or throws PlanValidationError. */
export function validatePlan(value: unknown, tools: readonly Tool[], minSteps: number, maxSteps: number): Plan {
  const errors = faults(value, new Map(tools.map((t) => [t.name, t])), minSteps, maxSteps);
  if (errors.length) throw new PlanValidationError(errors);
  const plan = value as Plan;
  for (const s of plan.steps) s.depends_on = [...new Set(s.depends_on)].sort((a, b) => a - b);
  return plan;
}
