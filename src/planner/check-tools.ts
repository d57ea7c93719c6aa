/**
 * Tool validation up front: normalized shape (see tools.ts), then each parameters schema compiled,
 * so an unsupported keyword is reported with the tool's name and JSON pointer before any compute.
 */
import { checkSchema, SchemaError, xmlParametersNode } from '../grammar/index.ts';
import { checkPlainJson } from '../grammar/schema/plain-json.ts';
import { InvalidOptionError, ToolDefinitionError } from './errors.ts';
import type { PlanFormat } from './presets.ts';
import type { ToolCallSyntax } from './tool-calls.ts';
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

/** What the XML tool-call syntax needs beyond the schema check: object parameters, no property counts. */
export function checkXmlToolSchemas<T extends readonly Tool[]>(tools: T): T {
  return checkToolSchemas(tools, xmlParametersNode);
}

/**
 * Only the plain-JSON check, as ToolDefinitionErrors: for callers that hash or serialize tools
 * before checking them (JSON.stringify throws on a BigInt or a cycle and turns NaN into null).
 */
export function checkToolsJson<T extends readonly Tool[]>(tools: T): T {
  return checkToolSchemas(tools, checkPlainJson);
}

/** Options of `checkTools`. */
export interface CheckToolsOptions {
  /** Refuse keywords and formats the engine does not enforce, as `PlannerOptions.strictSchemas` does. */
  strict?: boolean;
  /** Check for this plan format too (default `steps`): `tool-calls` in the XML syntax refuses more. */
  format?: PlanFormat;
  /** The tool-call syntax of `format: 'tool-calls'` (default `json`); a planner passes its model's. */
  toolCallSyntax?: ToolCallSyntax;
}

/**
 * Checks tool definitions without a model: the same checks `plan()` runs first, usable on the main
 * thread (e.g. to validate a tool editor as the user types). Keywords and formats the engine does
 * not know constrain nothing and pass; `{ strict: true }` refuses them, as `strictSchemas` does.
 * With `format: 'tool-calls'` and `toolCallSyntax: 'xml'` (Qwen3.5's `<parameter=…>` calls) it also
 * refuses what that syntax cannot enforce (property counts, `dependentRequired` at the top level).
 *
 * @returns the tools in their normalized form.
 * @throws ToolDefinitionError naming the tool and the JSON pointer of the fault.
 * @example
 * ```ts
 * import { checkTools, ToolDefinitionError } from 'toolplan';
 *
 * const editor = { value: '[{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}]' };
 * try {
 *   checkTools(JSON.parse(editor.value), { format: 'tool-calls', toolCallSyntax: 'xml' });
 * } catch (e) {
 *   if (e instanceof ToolDefinitionError) console.error(`${e.tool} ${e.pointer}: ${e.message}`);
 * }
 * ```
 */
export function checkTools(tools: readonly ToolInput[], options: CheckToolsOptions = {}): Tool[] {
  const { strict = false, format = 'steps', toolCallSyntax = 'json' } = options;
  if (format !== 'steps' && format !== 'tool-calls') throw new InvalidOptionError('format', "must be 'steps' or 'tool-calls'", format);
  if (toolCallSyntax !== 'json' && toolCallSyntax !== 'xml') throw new InvalidOptionError('toolCallSyntax', "must be 'json' or 'xml'", toolCallSyntax);
  const checked = checkToolSchemas(normalizeTools(tools), schemaCheck(strict));
  if (format === 'tool-calls' && toolCallSyntax === 'xml') checkXmlToolSchemas(checked);
  return checked;
}

/**
 * The former name of `checkTools`.
 * @deprecated Use `checkTools`; this alias goes in 0.2.
 */
export const validateTools: (tools: readonly ToolInput[], options?: CheckToolsOptions) => Tool[] = checkTools;
