/**
 * The tool schema checks every path shares (the tool check, the plan grammars, the formats): each
 * tool's parameters checked with a schema check, schema errors as ToolDefinitionErrors naming the
 * tool, the JSON pointer in the user's schema and the keyword.
 */
import { checkSchema, SchemaError } from '../grammar/index.ts';
import { checkPlainJson } from '../grammar/schema/plain-json.ts';
import { ToolDefinitionError } from './errors.ts';
import type { Tool } from './tools.ts';

/**
 * Checks every tool's parameters schema with `check` (default: checkSchema, the whole document as
 * JSON, as JSON Schema and as the engine builds it); schema errors become ToolDefinitionErrors
 * naming the tool, pointer and keyword. Any other `check` runs after the plain-JSON check (unless
 * `plainChecked`: the caller ran it).
 */
export function checkToolSchemas<T extends readonly Tool[]>(tools: T, check: (schema: unknown) => unknown = checkSchema, plainChecked = false): T {
  for (const t of tools) {
    try {
      // checkSchema begins with it; another check (XML parameters) may not.
      if (!plainChecked && check !== checkSchema && check !== checkPlainJson) checkPlainJson(t.parameters);
      check(t.parameters);
    } catch (e) {
      if (e instanceof SchemaError) {
        const keyword = (e as { keyword?: string }).keyword;
        // The message without SchemaError's pointer suffix (the pointer may hold a line break).
        const suffix = ` (at #${e.pointer})`;
        const detail = e.message.endsWith(suffix) ? e.message.slice(0, -suffix.length) : e.message;
        throw new ToolDefinitionError(t.name, e.pointer, detail, keyword);
      }
      throw e;
    }
  }
  return tools;
}

/**
 * Only the plain-JSON check, as ToolDefinitionErrors: for callers that hash or serialize tools
 * before checking them (JSON.stringify throws on a BigInt or a cycle and turns NaN into null).
 */
export function checkToolsJson<T extends readonly Tool[]>(tools: T): T {
  return checkToolSchemas(tools, checkPlainJson);
}
