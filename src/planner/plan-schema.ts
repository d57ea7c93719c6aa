/**
 * The default plan schema: `{"steps": [{"id", "tool", "args", "depends_on"}, …]}` with minSteps..maxSteps
 * steps (1..5 by default; minSteps 0 lets a model say that no tool fits). Step k has `id` = k, `tool` one of the tool names, `args` that tool's parameters, and
 * `depends_on` ids of earlier steps only — all enforced by the grammar, so a plan is valid by
 * construction.
 */
import { toDraft2020 } from '../grammar/index.ts';
import type { JsonSchema, Tool } from './tools.ts';

/** Where each tool's parameters live in the plan schema. */
export const toolDefName = (i: number): string => `tool${i}`;

/** Does a tool schema need relocating: a local `$ref`, an `$id` or a `$schema` anywhere in it? */
function needsRelocation(schema: unknown): boolean {
  if (Array.isArray(schema)) return schema.some(needsRelocation);
  if (typeof schema !== 'object' || schema === null) return false;
  for (const [k, v] of Object.entries(schema)) {
    if (k === '$ref' || k === '$id' || k === '$schema' || needsRelocation(v)) return true;
  }
  return false;
}

/**
 * Rewrites a tool schema's local `$ref`s (`#/…`) to its place under the plan's `$defs`, in its
 * 2020-12 form (older drafts read as the engine and ajv read them). Most tool schemas have neither
 * and are used as they are (copying 3,000 of them is most of a large plan's setup).
 */
function relocated(schema: unknown, prefix: string): unknown {
  // An older draft is turned into its 2020-12 form first: it has a `$schema`, so it is relocated.
  return needsRelocation(schema) ? relocate(toDraft2020(schema), prefix) : schema;
}

function relocate(schema: unknown, prefix: string): unknown {
  if (Array.isArray(schema)) return schema.map((s) => relocate(s, prefix));
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === '$ref' && typeof v === 'string' && v.startsWith('#')) out[k] = `#/$defs/${prefix}${v.slice(1)}`;
    else if (k === '$id' || k === '$schema') continue;
    else out[k] = relocate(v, prefix);
  }
  return out;
}

function dependsOn(k: number): JsonSchema {
  if (k === 1) return { type: 'array', maxItems: 0 };
  return { type: 'array', items: { enum: Array.from({ length: k - 1 }, (_, i) => i + 1) }, maxItems: k - 1 };
}

/** Most steps a plan schema allows. */
export const MAX_STEPS = 64;

/** Throws RangeError unless 0 ≤ minSteps ≤ maxSteps ≤ MAX_STEPS (integers, maxSteps ≥ 1). */
export function checkStepBounds(minSteps: number, maxSteps: number): void {
  if (!Number.isInteger(maxSteps) || maxSteps < 1 || maxSteps > MAX_STEPS) throw new RangeError(`maxSteps must be an integer in 1..${MAX_STEPS}`);
  if (!Number.isInteger(minSteps) || minSteps < 0 || minSteps > maxSteps) throw new RangeError('minSteps must be an integer in 0..maxSteps');
}

/**
 * Builds the plan schema for `tools`.
 *
 * @example
 * ```ts
 * import { planSchema } from 'toolplan';
 *
 * const schema = planSchema([{ name: 'search', description: '', parameters: { type: 'object', properties: { q: { type: 'string' } } } }], 3);
 * console.log(JSON.stringify(schema)); // {"$defs":{"tool0":…},"type":"object","properties":{"steps":{"maxItems":3,…}},…}
 * ```
 */
export function planSchema(tools: readonly Tool[], maxSteps: number, minSteps = 1): JsonSchema {
  checkStepBounds(minSteps, maxSteps);
  const $defs: Record<string, unknown> = {};
  tools.forEach((t, i) => ($defs[toolDefName(i)] = relocated(t.parameters, toolDefName(i))));
  const required = ['id', 'tool', 'args', 'depends_on'];
  const step = (k: number): JsonSchema => {
    // One object per step for the parts every tool shares: the engine builds a schema object once.
    const id = { const: k };
    const deps = dependsOn(k);
    return {
      oneOf: tools.map((t, i) => ({
        type: 'object',
        properties: { id, tool: { const: t.name }, args: { $ref: `#/$defs/${toolDefName(i)}` }, depends_on: deps },
        required,
        additionalProperties: false,
      })),
    };
  };
  return {
    $defs,
    type: 'object',
    properties: {
      steps: {
        type: 'array',
        minItems: minSteps,
        maxItems: maxSteps,
        prefixItems: Array.from({ length: maxSteps }, (_, k) => step(k + 1)),
      },
    },
    required: ['steps'],
    additionalProperties: false,
  };
}
