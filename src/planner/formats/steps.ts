/** The `steps` format: one JSON document `{"steps":[{id, tool, args, depends_on}, …]}`. */
import { CompiledGrammar } from '../../grammar/index.ts';
import { planSchema } from '../plan-schema.ts';
import { StepScanner } from '../step-scanner.ts';
import type { PlanFormatSpec } from './format.ts';

export const stepsFormat: PlanFormatSpec = {
  name: 'steps',
  systemPrompt: (preset) => preset.systemPrompt,
  checkTools: () => undefined,
  shape: () => 'steps',
  compile: (tools, _syntax, minSteps, maxSteps, vocab, strict) => new CompiledGrammar(planSchema(tools, maxSteps, minSteps), vocab, { whitespace: 'compact', deferChecks: true, strict }),
  scanner: () => new StepScanner(),
  parse: (text) => JSON.parse(text) as unknown,
};
