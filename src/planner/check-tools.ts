/**
 * Tool validation up front: normalized shape (see tools.ts), then each parameters schema compiled,
 * so an unsupported keyword is reported with the tool's name and JSON pointer before any compute.
 */
import { checkSchema, SchemaError } from '../grammar/index.ts';
import { checkPlainJson } from '../grammar/schema/plain-json.ts';
import { ToolDefinitionError } from './errors.ts';
import { normalizeTools, type Tool, type ToolInput } from './tools.ts';

/** checkSchema in strict mode (one function, so that checkToolSchemas knows it). */
const checkSchemaStrict = (schema: unknown): void => checkSchema(schema, { strict: true });

/** The whole-schema check of either mode (see `PlannerOptions.strictSchemas`). */
export const schemaCheck = (strict: boolean): ((schema: unknown) => void) => (strict ? checkSchemaStrict : checkSchema);

/**
 * Checks every tool's parameters schema with `check` (default: checkSchema, the whole document as
 * JSON, as JSON Schema and as the engine builds it); schema errors become ToolDefinitionErrors
 * naming the tool, pointer and keyword. Any other `check` runs after the plain-JSON check.
 */
export function checkToolSchemas<T extends readonly Tool[]>(tools: T, check: (schema: unknown) => unknown = checkSchema): T {
  for (const t of tools) {
    try {
      // checkSchema begins with it; another check (XML parameters) may not.
      if (check !== checkSchema && check !== checkSchemaStrict && check !== checkPlainJson) checkPlainJson(t.parameters);
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

/**
 * Checks tool definitions without a model: the same checks `plan()` runs first, usable on the main
 * thread (e.g. to validate a tool editor as the user types). Keywords and formats the engine does
 * not know constrain nothing and pass; `{ strict: true }` refuses them, as `strictSchemas` does.
 *
 * @throws ToolDefinitionError naming the tool and the JSON pointer of the fault.
 * @example
 * ```ts
 * try { validateTools(JSON.parse(editor.value)); } catch (e) {
 *   if (e instanceof ToolDefinitionError) showError(`${e.tool} ${e.pointer}: ${e.detail}`);
 * }
 * ```
 */
export function validateTools(tools: readonly ToolInput[], options: { strict?: boolean } = {}): Tool[] {
  return checkToolSchemas(normalizeTools(tools), schemaCheck(options.strict ?? false));
}
