/**
 * Tool validation up front: normalized shape (see tools.ts), then each parameters schema compiled,
 * so an unsupported keyword is reported with the tool's name and JSON pointer before any compute.
 */
import { checkSchemaIn, defaultSchemaMemo, type SchemaMemo } from '../grammar/index.ts';
import { InvalidOptionError } from './errors.ts';
import { formatOf } from './formats/index.ts';
import type { PlanFormat } from './presets.ts';
import type { ToolCallSyntax } from './tool-calls.ts';
import { checkToolSchemas } from './tool-schemas.ts';
import { normalizeTools, type Tool, type ToolInput } from './tools.ts';

// Re-exported: the checks below the public one, for callers that already hold normalized tools.
export { checkToolSchemas, checkToolsJson } from './tool-schemas.ts';

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
  return checkToolsIn(defaultSchemaMemo, tools, options);
}

/** checkTools against a compiler's schema memo (a planner's: `plan()` then reuses what was checked). */
export function checkToolsIn(memo: SchemaMemo, tools: readonly ToolInput[], options: CheckToolsOptions = {}): Tool[] {
  const { strict = false, format = 'steps', toolCallSyntax = 'json' } = options;
  const spec = formatOf(format);
  if (toolCallSyntax !== 'json' && toolCallSyntax !== 'xml') throw new InvalidOptionError('toolCallSyntax', "must be 'json' or 'xml'", toolCallSyntax);
  // checkSchemaIn begins with the plain-JSON check.
  const checked = checkToolSchemas(normalizeTools(tools), (s) => checkSchemaIn(memo, s, { strict }), true);
  spec.checkTools(checked, toolCallSyntax, memo);
  return checked;
}

/**
 * The former name of `checkTools`.
 * @deprecated Use `checkTools`; this alias goes in 0.2.
 */
export const validateTools: (tools: readonly ToolInput[], options?: CheckToolsOptions) => Tool[] = checkTools;
