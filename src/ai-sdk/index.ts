/**
 * `toolplan/ai-sdk`: a toolplan planner as a Vercel AI SDK model. `generateText` / `streamText`
 * with `tools` return tool calls whose names and arguments are valid by construction (a multi-step
 * plan as ordered calls, dependencies in `providerMetadata.toolplan`); structured output
 * (`Output.object`, `generateObject`) returns objects valid against the schema.
 *
 * @packageDocumentation
 */
import type { LanguageModelV4 } from '@ai-sdk/provider';
import type { ToolPlanner } from '../planner/index.ts';
import { ToolplanLanguageModel, type ToolplanModelSettings } from './language-model.ts';

export { ToolplanLanguageModel, type ToolplanModelSettings } from './language-model.ts';
export type { ToolplanCallOptions } from './call-options.ts';
export { UnsupportedRequestError } from '../planner/index.ts';

/**
 * The planner as an AI SDK language model: in Node a `Planner`, in the browser the `WorkerPlanner`
 * of `createPlanner()` (or its promise: the model loads on first use).
 *
 * @example
 * ```ts
 * import { Planner } from 'toolplan';
 * import { toolplan } from 'toolplan/ai-sdk';
 * import { generateText, jsonSchema, tool } from 'ai';
 *
 * const planner = await Planner.create({ model: 'onnx-community/Qwen3.5-0.8B-ONNX-OPT' });
 * const { toolCalls } = await generateText({
 *   model: toolplan(planner, { maxSteps: 3 }),
 *   prompt: 'Weather in Lisbon, then email it to ana@example.com',
 *   tools: {
 *     get_weather: tool({ description: 'Current weather', inputSchema: jsonSchema<{ city: string }>({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }) }),
 *     send_email: tool({ description: 'Send an email', inputSchema: jsonSchema<{ to: string; body: string }>({ type: 'object', properties: { to: { type: 'string', format: 'email' }, body: { type: 'string' } }, required: ['to', 'body'] }) }),
 *   },
 * });
 * for (const c of toolCalls) console.log(c.toolName, c.input, c.providerMetadata?.toolplan?.dependsOn);
 * await planner.dispose();
 * ```
 */
export function toolplan(planner: ToolPlanner | PromiseLike<ToolPlanner>, settings?: ToolplanModelSettings): LanguageModelV4 {
  return new ToolplanLanguageModel(planner, settings);
}
