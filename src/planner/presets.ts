/**
 * Model presets: the default model and what each family needs (system prompt, thinking switch).
 */

import type { ToolCallSyntax } from './tool-calls.ts';

/**
 * What the model writes: `steps`, the JSON plan with dependencies (what the AgentJSON fine-tune was
 * trained on), or `tool-calls`, the model family's native tool calls (what a base model writes most
 * naturally; converted to a plan without dependencies).
 */
export type PlanFormat = 'steps' | 'tool-calls';

/** Per-model prompt settings. */
export interface ModelPreset {
  /** System prompt of the `steps` format, placed after the tools. */
  systemPrompt: string;
  /** System prompt of the `tool-calls` format (the chat template itself explains the call syntax). */
  toolCallsSystemPrompt: string;
  /** Passed to the chat template as `enable_thinking` (Qwen3 / Qwen3.5: false). */
  enableThinking?: boolean;
  /** Default plan format (per call: `PlanOptions.format`). Default `steps`. */
  format?: PlanFormat;
  /** Syntax of the `tool-calls` format; default: read from the chat template (Qwen3.5: XML, Qwen3 / Qwen2.5: JSON). */
  toolCallSyntax?: ToolCallSyntax;
}

/**
 * The documented working default: the Qwen3.5-0.8B re-export with fused linear-attention ops.
 * Switch to the AgentJSON fine-tune's id once its ONNX export is published.
 */
export const DEFAULT_MODEL = 'onnx-community/Qwen3.5-0.8B-ONNX-OPT';

const PLAN_INSTRUCTIONS =
  'Answer with one JSON object {"steps":[{"id":1,"tool":"<tool name>","args":{…},"depends_on":[]}, …]}: ' +
  'use only the tools above, give each tool its arguments, and list in depends_on the ids of earlier steps whose results a step needs.';

/** The AgentJSON card's system prompt, with the plan format spelled out. */
export const DEFAULT_PRESET: ModelPreset = {
  systemPrompt: `You are an AI agent orchestrator. Generate a JSON execution plan. ${PLAN_INSTRUCTIONS}`,
  toolCallsSystemPrompt: 'You are an AI agent orchestrator. Call the tools the request needs, in the order they must run, giving each its arguments.',
  enableThinking: false,
  format: 'steps',
};
