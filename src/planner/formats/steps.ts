/** The `steps` format: one JSON document `{"steps":[{id, tool, args, depends_on}, …]}`. */
import { planSchema } from '../plan-schema.ts';
import { StepScanner } from '../step-scanner.ts';
import type { PlanFormatSpec } from './format.ts';

export const stepsFormat: PlanFormatSpec = {
  name: 'steps',
  systemPrompt: (preset) => preset.systemPrompt,
  checkTools: () => undefined,
  shape: () => 'steps',
  compile: (set, _syntax, minSteps, maxSteps, compiler, strict) =>
    compiler.compileSchemaByKey(`steps|${minSteps}|${maxSteps}|${set.key}`, set.sourceBytes, () => planSchema(set.tools, maxSteps, minSteps), { whitespace: 'compact', deferChecks: true, strict }),
  scanner: () => new StepScanner(),
  parse: (text) => JSON.parse(text) as unknown,
};
