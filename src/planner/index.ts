/**
 * The planner API: `createPlanner()` (in a Web Worker) or `Planner.create()` (in-process, e.g.
 * Node), `plan(query, tools)` → a plan valid by construction.
 *
 * @packageDocumentation
 */
export { createPlanner, WorkerPlanner, type CreatePlannerOptions } from './create-planner.ts';
export { Planner } from './planner.ts';
export type { GenerateJsonOptions, JsonResult, PlanEvent, PlannerCheckOptions, PlannerInfo, PlannerLoadOptions, PlannerOptions, PlanOptions, PlanResult, PlanStats, ToolPlanner } from './types.ts';
export { executionOrder, toOpenAIToolCalls, type OpenAIToolCall, type Plan, type PlanStep } from './plan.ts';
export { checkTools, validateTools, type CheckToolsOptions } from './check-tools.ts';
export { shortlistTools, ToolIndex, type RankTools, type ShortlistOptions, type ShortlistReport } from './shortlist.ts';
export { planSchema } from './plan-schema.ts';
export { normalizeTools, toTemplateTools, type BareTool, type JsonSchema, type McpTool, type OpenAITool, type Tool, type ToolInput } from './tools.ts';
export { DEFAULT_MODEL, DEFAULT_PRESET, type ModelPreset, type PlanFormat } from './presets.ts';
export { detectToolCallSyntax, parseToolCalls, toolCallStructure, type ToolCallSyntax } from './tool-calls.ts';
export {
  PlannerError,
  InvalidOptionError,
  ToolCallSyntaxError,
  PlannerDisposedError,
  PlanValidationError,
  PromptTooLongError,
  ToolDefinitionError,
  RemoteError,
  UnsupportedRequestError,
  WorkerCrashedError,
  type RemoteFailure,
} from './errors.ts';
export { RemotePlanner, type RemotePlannerOptions } from './remote-planner.ts';
export type { PlannerWorkerApi, WorkerPlannerOptions, WorkerPlanOptions } from './protocol.ts';

// Seams for the worker entry, the CLI, the benchmarks and the evaluation (not the package's API:
// src/index.ts does not list them).
export { PlanContext, PlanRequest, DEFAULT_MAX_STEPS, DEFAULT_MAX_TOKENS, type PlanContextOptions } from './plan-request.ts';
export { formatOf, type PlanFormatSpec, type StepScan } from './formats/index.ts';
export { PlanGrammars } from './plan-grammars.ts';
export { ToolSet } from './tool-set.ts';
export { installErrorTransfer } from './error-transfer.ts';
