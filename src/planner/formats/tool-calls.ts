/**
 * The `tool-calls` format: the model family's own calls (Qwen3 `<tool_call>` JSON, Qwen3.5 XML
 * `<parameter=…>` blocks), read back as plan steps in order.
 */
import { CompiledStructure, xmlParametersNode } from '../../grammar/index.ts';
import { parseToolCalls, toolCallStructure, ToolCallScanner } from '../tool-calls.ts';
import { checkToolSchemas } from '../tool-schemas.ts';
import type { PlanFormatSpec } from './format.ts';

export const toolCallsFormat: PlanFormatSpec = {
  name: 'tool-calls',
  systemPrompt: (preset) => preset.toolCallsSystemPrompt,
  checkTools: (tools, syntax) => {
    // XML calls also need object parameters without property counts.
    if (syntax === 'xml') checkToolSchemas(tools, xmlParametersNode);
  },
  shape: (syntax) => `calls-${syntax}`,
  compile: (tools, syntax, minSteps, maxSteps, vocab, strict) => new CompiledStructure(toolCallStructure(tools, syntax, minSteps, maxSteps), vocab, { deferChecks: true, strict }),
  scanner: (tools, syntax) => new ToolCallScanner(tools, syntax),
  parse: (text, tools, syntax) => ({ steps: parseToolCalls(text, tools, syntax) }),
};
