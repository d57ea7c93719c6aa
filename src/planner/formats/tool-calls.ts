/**
 * The `tool-calls` format: the model family's own calls (Qwen3 `<tool_call>` JSON, Qwen3.5 XML
 * `<parameter=…>` blocks), read back as plan steps in order.
 */
import { xmlParametersNode } from '../../grammar/index.ts';
import { parseToolCalls, toolCallStructure, ToolCallScanner } from '../tool-calls.ts';
import { checkToolSchemas } from '../tool-schemas.ts';
import type { PlanFormatSpec } from './format.ts';

export const toolCallsFormat: PlanFormatSpec = {
  name: 'tool-calls',
  systemPrompt: (preset) => preset.toolCallsSystemPrompt,
  checkTools: (tools, syntax, memo) => {
    // XML calls also need object parameters without property counts.
    if (syntax === 'xml') checkToolSchemas(tools, (s) => xmlParametersNode(s, false, memo));
  },
  shape: (syntax) => `calls-${syntax}`,
  compile: (set, syntax, minSteps, maxSteps, compiler, strict) =>
    compiler.compileStructureByKey(`calls-${syntax}|${minSteps}|${maxSteps}|${set.key}`, set.sourceBytes, () => toolCallStructure(set.tools, syntax, minSteps, maxSteps), { deferChecks: true, strict }),
  scanner: (tools, syntax) => new ToolCallScanner(tools, syntax),
  parse: (text, tools, syntax) => ({ steps: parseToolCalls(text, tools, syntax) }),
};
