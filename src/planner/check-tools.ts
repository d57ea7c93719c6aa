/**
 * Tool validation up front: normalized shape (see tools.ts), then each parameters schema compiled,
 * so an unsupported keyword is reported with the tool's name and JSON pointer before any compute.
 */
import { checkSchema, SchemaError } from '../grammar/index.ts';
import { ToolDefinitionError } from './errors.ts';
import { normalizeTools, type Tool, type ToolInput } from './tools.ts';

/**
 * Checks every tool's parameters schema with `check` (default: as the engine builds any schema);
 * schema errors become ToolDefinitionErrors naming the tool, pointer and keyword.
 */
export function checkToolSchemas<T extends readonly Tool[]>(tools: T, check: (schema: unknown) => unknown = checkSchema): T {
  for (const t of tools) {
    try {
      check(t.parameters);
    } catch (e) {
      if (e instanceof SchemaError) {
        const keyword = (e as { keyword?: string }).keyword;
        throw new ToolDefinitionError(t.name, e.pointer, e.message.replace(/ \(at #.*\)$/, ''), keyword);
      }
      throw e;
    }
  }
  return tools;
}

/**
 * Checks tool definitions without a model: the same checks `plan()` runs first, usable on the main
 * thread (e.g. to validate a tool editor as the user types).
 *
 * @throws ToolDefinitionError naming the tool and the JSON pointer of the fault.
 * @example
 * ```ts
 * try { validateTools(JSON.parse(editor.value)); } catch (e) {
 *   if (e instanceof ToolDefinitionError) showError(`${e.tool} ${e.pointer}: ${e.detail}`);
 * }
 * ```
 */
export function validateTools(tools: readonly ToolInput[]): Tool[] {
  return checkToolSchemas(normalizeTools(tools));
}
