/**
 * Structured output as a one-step plan: the schema becomes the parameters of one tool, so the
 * object is held to it by the same grammar and the same ajv check as any tool's arguments. Tool
 * arguments are objects, so any other schema (array, string, enum, anyOf, `{}`) is wrapped as the
 * `value` property of an object and unwrapped after.
 */
import type { JsonSchema, ToolInput } from '../planner/index.ts';

const NAME = /^[A-Za-z_][A-Za-z0-9_.:-]{0,127}$/;
/** Keywords that stay at the root when a schema is wrapped: they name the dialect and the definitions `$ref`s point into. */
const ROOT_KEYS = ['$schema', '$id', '$defs', 'definitions'];

export interface OutputTool {
  tool: ToolInput;
  /** True when the schema was wrapped as `{ value }`. */
  wrapped: boolean;
  /** The generated object (the one step's args) as the caller's value. */
  unwrap(args: Record<string, unknown>): unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `$ref`s into the old root ('#', '#/items', …) now point under `#/properties/value`; those into definitions stay. */
function moveRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(moveRefs);
  if (!isObject(node)) return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === '$ref' && typeof v === 'string' && (v === '#' || (v.startsWith('#/') && !/^#\/(\$defs|definitions)(\/|$)/.test(v)))) {
      out[k] = `#/properties/value${v.slice(1)}`;
    } else if (k === 'const' || k === 'enum' || k === 'default' || k === 'examples') out[k] = v;
    else out[k] = moveRefs(v);
  }
  return out;
}

/** The tool that stands for `schema` (default `{}`: any JSON value). */
export function outputTool(schema: JsonSchema | undefined, name: string | undefined, description: string | undefined): OutputTool {
  const toolName = name !== undefined && NAME.test(name) ? name : 'json_output';
  const about = description ?? 'Answer the request with this object.';
  const s: JsonSchema = schema ?? {};
  if (s.type === 'object') return { tool: { name: toolName, description: about, parameters: s }, wrapped: false, unwrap: (args) => args };
  const root: JsonSchema = { type: 'object' };
  const inner: JsonSchema = {};
  for (const [k, v] of Object.entries(s)) {
    if (ROOT_KEYS.includes(k)) root[k] = v;
    else inner[k] = v;
  }
  root.properties = { value: moveRefs(inner) };
  root.required = ['value'];
  root.additionalProperties = false;
  return { tool: { name: toolName, description: about, parameters: root }, wrapped: true, unwrap: (args) => args.value };
}
