/**
 * Model presets: the default model and what each family needs (system prompt, thinking switch).
 */

/** Per-model prompt settings. */
export interface ModelPreset {
  /** System prompt placed after the tools. */
  systemPrompt: string;
  /** Passed to the chat template as `enable_thinking` (Qwen3 / Qwen3.5: false). */
  enableThinking?: boolean;
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
  enableThinking: false,
};
