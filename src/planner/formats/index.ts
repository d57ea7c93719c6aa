/** The plan formats by name. */
import { InvalidOptionError } from '../errors.ts';
import type { PlanFormat } from '../presets.ts';
import type { PlanFormatSpec } from './format.ts';
import { stepsFormat } from './steps.ts';
import { toolCallsFormat } from './tool-calls.ts';

export type { PlanFormatSpec, StepScan } from './format.ts';

const FORMATS: Readonly<Record<PlanFormat, PlanFormatSpec>> = { steps: stepsFormat, 'tool-calls': toolCallsFormat };

/** The format named `name`; InvalidOptionError (option `format`) for any other value. */
export function formatOf(name: unknown): PlanFormatSpec {
  if (name !== 'steps' && name !== 'tool-calls') throw new InvalidOptionError('format', `must be one of ${Object.keys(FORMATS).join(', ')}`, name);
  return FORMATS[name];
}
