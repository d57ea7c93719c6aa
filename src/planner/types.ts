/**
 * Public types of the planner API, shared by the in-process planner and the worker client.
 */
import type { CompilerOptions } from '../grammar/index.ts';
import type { DecodeStats, Device, LoadModelOptions, ModelDtype } from '../model/index.ts';
import type { CheckToolsOptions } from './check-tools.ts';
import type { ShortlistOptions, ShortlistReport } from './shortlist.ts';
import type { Tool, ToolInput } from './tools.ts';
import type { Plan, PlanStep } from './plan.ts';
import type { ModelPreset, PlanFormat } from './presets.ts';
import type { ToolCallSyntax } from './tool-calls.ts';

/** The load options a planner hands to `loadModel` unchanged: one definition, so they cannot drift. */
export type PlannerLoadOptions = Pick<
  LoadModelOptions,
  'dtype' | 'device' | 'sampleOnDevice' | 'revision' | 'hubHost' | 'stallTimeoutMs' | 'useCache' | 'integrity' | 'snapshotBudgetBytes' | 'graphs' | 'wasmPaths' | 'ort' | 'onProgress'
>;

/** Options of `createPlanner` / `Planner.create`. */
export interface PlannerOptions extends PlannerLoadOptions {
  /** Hub id, base URL or (Node) folder. Default: `DEFAULT_MODEL`. */
  model?: string;
  /** Cancels the load: `create` / `createPlanner` reject with the signal's reason (the worker is ended). */
  signal?: AbortSignal;
  /** Override the preset's system prompts, thinking switch, plan format or tool-call syntax. */
  preset?: Partial<ModelPreset>;
  /** Largest prompt + plan budget in tokens (default 8192, never above the model's window). */
  maxContextTokens?: number;
  /**
   * Refuse tools whose schemas use keywords or formats the engine does not enforce (ToolDefinitionError
   * naming the keyword), annotations of JSON Schema 2020-12 aside. Default false: unknown keywords
   * (`example`, `x-order`, draft-04 `id`, …) and unknown formats (`password`, `int64`, …) constrain
   * nothing and are ignored, as JSON Schema and ajv read them; known assertions the engine cannot
   * enforce (`if`, `contains`, most `not`s, …) are refused either way.
   */
  strictSchemas?: boolean;
  /**
   * Bytes the model's grammar compiler may cache (default 256 MiB): compiled plan grammars and the
   * vocabulary's string classifications, least recently used dropped first.
   */
  grammarCacheBytes?: CompilerOptions['cacheBytes'];
}

/** Options of one `plan()` / `stream()` call. */
export interface PlanOptions {
  /** Cancels the call: queued calls reject at once, a running one between two forward passes. */
  signal?: AbortSignal;
  /** 0 (default) = greedy; the AgentJSON card recommends 0.7–0.8. */
  temperature?: number;
  topK?: number;
  topP?: number;
  /** Seed for reproducible sampling. */
  seed?: number;
  /** Most steps in the plan (default 5). */
  maxSteps?: number;
  /** Fewest steps (default 1); 0 allows an empty plan, the model's way to say that no tool fits. */
  minSteps?: number;
  /** Token budget of the plan (default 512): the grammar ends the plan within it. */
  maxTokens?: number;
  /** Feed forced runs in one forward pass (default true). */
  jumpForward?: boolean;
  /**
   * What the model writes (default: the preset's, `steps`): the JSON plan, or the model's native
   * `tool-calls` (Qwen3.5: XML, Qwen3 / Qwen2.5: JSON in `<tool_call>`), converted to a plan whose
   * steps have no dependencies.
   */
  format?: PlanFormat;
  /**
   * Keep only the `k` tools most relevant to the query for the prompt and the grammar (BM25 over
   * names, descriptions and parameters; `{ k, rank }` for your own ranking). For catalogues too big
   * for one prompt; `PlanResult.shortlist` says what was kept. Tools left out are not checked.
   */
  shortlist?: number | ShortlistOptions;
}

/** Options of `Planner.generateJson`: sampling, budget and cancellation as in `plan()`. */
export interface GenerateJsonOptions extends Pick<PlanOptions, 'signal' | 'temperature' | 'topK' | 'topP' | 'seed' | 'maxTokens' | 'jumpForward'> {
  /** Tools the chat template shows the model (checked as `checkTools` does); none is called: the output is the JSON. */
  tools?: readonly ToolInput[];
  /** Called with each piece of the output text as it is decoded. */
  onToken?: (text: string) => void;
}

/** A JSON completion: the value (valid against the schema), its text and the call's stats. */
export interface JsonResult {
  value: unknown;
  text: string;
  stats: PlanStats;
}

/** Measurements of one plan. */
export interface PlanStats extends Pick<DecodeStats, 'promptTokens' | 'prefilledTokens' | 'tokens' | 'forcedTokens' | 'forwardPasses' | 'ttftMs'> {
  /** The whole call: checks, prompt, decode and validation. */
  totalMs: number;
  /** Generated tokens per second over the whole call. */
  tokensPerSecond: number;
  /** True when the token budget came close enough to narrow the model's choices. */
  budgetLimited: boolean;
  /** Where the model ran: `remote` for a RemotePlanner. */
  device: Device | 'remote';
}

/** A plan with the text it was parsed from and the call's stats. */
export interface PlanResult {
  plan: Plan;
  /** What the model wrote (JSON plan or native tool calls, per `format`). */
  text: string;
  format: PlanFormat;
  stats: PlanStats;
  /** The tools a `shortlist` kept (absent without one). */
  shortlist?: ShortlistReport;
}

/** Streamed events of one call. */
export type PlanEvent =
  | { type: 'token'; token: number; text: string; forced: boolean }
  | { type: 'step'; step: PlanStep }
  | { type: 'done'; result: PlanResult };

/** What a loaded planner runs on. */
export interface PlannerInfo {
  model: string;
  /** `remote` for a RemotePlanner. */
  device: Device | 'remote';
  reason: string;
  /** `unknown` for a RemotePlanner: the server's weights are its own. */
  dtype: ModelDtype | 'unknown';
  /** The preset's default plan format. */
  format: PlanFormat;
  /** How this model writes `tool-calls`. */
  toolCallSyntax: ToolCallSyntax;
}

/** Options of a planner's `checkTools`: its format (default the planner's); strictness and syntax are the planner's. */
export type PlannerCheckOptions = Pick<CheckToolsOptions, 'format'>;

/**
 * What both planners do: `Planner` (in this thread; Node, or a worker of your own) and
 * `WorkerPlanner` (in a Web Worker, from `createPlanner`). Code written against it runs on either.
 *
 * @example
 * ```ts
 * import { createPlanner, type ToolPlanner, type ToolInput } from 'toolplan';
 *
 * async function firstTool(planner: ToolPlanner, query: string, tools: ToolInput[]): Promise<string | undefined> {
 *   await planner.checkTools(tools); // throws ToolDefinitionError before any compute
 *   const { plan } = await planner.plan(query, tools, { maxSteps: 3 });
 *   return plan.steps[0]?.tool;
 * }
 * const planner: ToolPlanner = await createPlanner();
 * console.log(await firstTool(planner, 'Weather in Lisbon', [{ name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }]));
 * await planner.dispose();
 * ```
 */
export interface ToolPlanner {
  /** The loaded model's device, dtype and plan formats (of the last load, after a lost device). */
  readonly info: PlannerInfo;
  /** Normalizes `tools` and checks them as `plan()` would for `options.format`; ToolDefinitionError names the tool and pointer. */
  checkTools(tools: readonly ToolInput[], options?: PlannerCheckOptions): Promise<Tool[]>;
  /** Plans `query` over `tools`; calls are answered in order. */
  plan(query: string, tools: readonly ToolInput[], options?: PlanOptions): Promise<PlanResult>;
  /** Like `plan`, as an async iterator of `token`, `step` and `done` events. */
  stream(query: string, tools: readonly ToolInput[], options?: PlanOptions): AsyncIterableIterator<PlanEvent>;
  /** Frees the model (and the worker); pending calls reject with PlannerDisposedError. */
  dispose(): Promise<void>;
}
