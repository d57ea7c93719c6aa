/**
 * Public types of the planner API, shared by the in-process planner and the worker client.
 */
import type { Device, DeviceRequest, ModelDtype, OrtModule, ProgressCallback } from '../model/index.ts';
import type { Plan, PlanStep } from './plan.ts';
import type { ModelPreset, PlanFormat } from './presets.ts';
import type { ToolCallSyntax } from './tool-calls.ts';

/** Options of `createPlanner` / `Planner.create`. */
export interface PlannerOptions {
  /** Hub id, base URL or (Node) folder. Default: `DEFAULT_MODEL`. */
  model?: string;
  /** Weight format (default: the repo's choice, else `q4`). */
  dtype?: ModelDtype;
  /** `auto` (default): WebGPU, else WASM; Node: CPU (`webgpu` there: onnxruntime-node's WebGPU provider). */
  device?: DeviceRequest;
  /** On WebGPU, choose each token on the GPU and read back only its id (default true). */
  sampleOnDevice?: boolean;
  revision?: string;
  hubHost?: string;
  /** Cancels the load: `create` / `createPlanner` reject with the signal's reason (the worker is ended). */
  signal?: AbortSignal;
  /** A model file whose server sends nothing for this long fails with DownloadError (default 30 s). */
  stallTimeoutMs?: number;
  /** Cache model files in Cache Storage (default true). */
  useCache?: boolean;
  /** Load progress (Transformers.js `progress_callback` shape). */
  onProgress?: ProgressCallback;
  /** Override the preset's system prompts, thinking switch, plan format or tool-call syntax. */
  preset?: Partial<ModelPreset>;
  /** Largest prompt + plan budget in tokens (default 8192, never above the model's window). */
  maxContextTokens?: number;
  /** Byte budget of prefix snapshots (default 256 MiB). */
  snapshotBudgetBytes?: number;
  /** Browser: where onnxruntime-web's .wasm/.mjs files are served from (`env.wasm.wasmPaths`). */
  wasmPaths?: string;
  /** Node / tests: a specific onnxruntime module. Not transferable to a worker. */
  ort?: OrtModule;
  /**
   * Refuse tools whose schemas use keywords or formats the engine does not enforce (ToolDefinitionError
   * naming the keyword), annotations of JSON Schema 2020-12 aside. Default false: unknown keywords
   * (`example`, `x-order`, draft-04 `id`, …) and unknown formats (`password`, `int64`, …) constrain
   * nothing and are ignored, as JSON Schema and ajv read them; known assertions the engine cannot
   * enforce (`not`, `if`, `patternProperties`, …) are refused either way.
   */
  strictSchemas?: boolean;
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
}

/** Measurements of one plan. */
export interface PlanStats {
  promptTokens: number;
  /** Prompt tokens computed; the rest came from the tool-set snapshot. */
  prefilledTokens: number;
  /** Generated tokens (forced ones and the stop token included). */
  tokens: number;
  forcedTokens: number;
  forwardPasses: number;
  ttftMs: number;
  totalMs: number;
  /** Generated tokens per second over the whole call. */
  tokensPerSecond: number;
  /** True when the token budget came close enough to narrow the model's choices. */
  budgetLimited: boolean;
  device: Device;
}

/** A plan with the text it was parsed from and the call's stats. */
export interface PlanResult {
  plan: Plan;
  /** What the model wrote (JSON plan or native tool calls, per `format`). */
  text: string;
  format: PlanFormat;
  stats: PlanStats;
}

/** Streamed events of one call. */
export type PlanEvent =
  | { type: 'token'; token: number; text: string; forced: boolean }
  | { type: 'step'; step: PlanStep }
  | { type: 'done'; result: PlanResult };

/** What a loaded planner runs on. */
export interface PlannerInfo {
  model: string;
  device: Device;
  reason: string;
  dtype: ModelDtype;
  /** The preset's default plan format. */
  format: PlanFormat;
  /** How this model writes `tool-calls`. */
  toolCallSyntax: ToolCallSyntax;
}
