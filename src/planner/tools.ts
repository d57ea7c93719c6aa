/**
 * Tool definitions in: OpenAI function tools, MCP tools and bare `{name, description, parameters}`,
 * normalised to one shape and checked up front.
 */
import { ToolDefinitionError } from './errors.ts';

/** A JSON Schema object (draft 2020-12 subset; see the README for what is enforced). */
export type JsonSchema = { [key: string]: unknown };

/** OpenAI Chat Completions function tool. */
export interface OpenAITool {
  type: 'function';
  function: { name: string; description?: string; parameters?: JsonSchema };
}
/** Model Context Protocol tool (`tools/list` entry). */
export interface McpTool {
  name: string;
  description?: string;
  inputSchema: JsonSchema;
}
/** Bare tool definition. */
export interface BareTool {
  name: string;
  description?: string;
  parameters?: JsonSchema;
}
/** Any accepted tool definition. */
export type ToolInput = OpenAITool | McpTool | BareTool;

/** A tool after normalisation. */
export interface Tool {
  name: string;
  description: string;
  parameters: JsonSchema;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.:-]{0,127}$/;
const EMPTY_PARAMS: JsonSchema = { type: 'object', properties: {}, additionalProperties: false };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function normalizeOne(t: unknown, index: number): Tool {
  if (!isObject(t)) throw new ToolDefinitionError(`#${index}`, '', 'a tool must be an object');
  let raw: Record<string, unknown> = t;
  let params: unknown;
  if (t.type === 'function' && isObject(t.function)) {
    raw = t.function;
    params = raw.parameters;
  } else if ('inputSchema' in t) params = t.inputSchema;
  else params = t.parameters;
  const name = raw.name;
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new ToolDefinitionError(typeof name === 'string' ? name : `#${index}`, '', 'the name must match /^[A-Za-z_][A-Za-z0-9_.:-]{0,127}$/');
  }
  if (raw.description !== undefined && typeof raw.description !== 'string') {
    throw new ToolDefinitionError(name, '', 'description must be a string');
  }
  if (params !== undefined && !isObject(params)) throw new ToolDefinitionError(name, '', 'parameters must be a JSON Schema object');
  const schema = (params as JsonSchema | undefined) ?? EMPTY_PARAMS;
  if (schema.type !== undefined && schema.type !== 'object') {
    throw new ToolDefinitionError(name, '/type', 'parameters must describe an object', 'type');
  }
  return { name, description: (raw.description as string | undefined) ?? '', parameters: asObjectSchema(schema) };
}

/**
 * A parameters schema without `type` admits any JSON value, but tool arguments are an object (in
 * OpenAI's and MCP's tools alike): such a schema gets `type: 'object'` (the fuzzer's plans had `args`
 * of `""` and `[[…]]` before). One copy per schema object, made again if its top level changed, so
 * the caches keyed by the schema object see a stable one.
 */
const typedCopies = new WeakMap<object, JsonSchema>();
function asObjectSchema(schema: JsonSchema): JsonSchema {
  if (schema.type !== undefined) return schema;
  let copy = typedCopies.get(schema);
  if (!copy || !sameTopLevel(copy, schema)) typedCopies.set(schema, (copy = { type: 'object', ...schema }));
  return copy;
}

/** `copy` is `{ type: 'object', ...schema }` for the schema as it is now. */
function sameTopLevel(copy: JsonSchema, schema: JsonSchema): boolean {
  const keys = Object.keys(schema);
  if (Object.keys(copy).length !== keys.length + 1 || copy.type !== 'object') return false;
  return keys.every((k) => Object.hasOwn(copy, k) && copy[k] === schema[k]);
}

/** Normalises and checks tool definitions (names unique and well-formed, schemas objects). */
export function normalizeTools(input: readonly ToolInput[] | unknown): Tool[] {
  if (!Array.isArray(input) || input.length === 0) throw new ToolDefinitionError('#tools', '', 'tools must be a non-empty array');
  const tools = input.map(normalizeOne);
  const seen = new Set<string>();
  for (const t of tools) {
    if (seen.has(t.name)) throw new ToolDefinitionError(t.name, '', 'duplicate tool name');
    seen.add(t.name);
  }
  return tools;
}

/** The OpenAI shape chat templates expect for `tools`. */
export function toTemplateTools(tools: readonly Tool[]): OpenAITool[] {
  return tools.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.parameters } }));
}
