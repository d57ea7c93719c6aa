/** Random plan options, valid mostly; invalid ones (NaN, negative, strings, inverted bounds) often. */
import { Rng } from './rng.ts';

export type FuzzOptions = Record<string, unknown>;

const BAD: unknown[] = [Number.NaN, -1, '3', Infinity, -Infinity, 1.5, null, true, 2 ** 60, {}];

export function optionsOf(r: Rng): FuzzOptions {
  const o: FuzzOptions = {};
  if (r.chance(0.5)) o.temperature = r.pick([0, 0.7, 1, 2, 1e-6, 50]);
  if (r.chance(0.2)) o.topK = r.pick([0, 1, 5, 100]);
  if (r.chance(0.2)) o.topP = r.pick([0.1, 0.9, 1, 1e-9]);
  if (r.chance(0.5)) o.seed = r.int(0, 2 ** 31);
  if (r.chance(0.6)) o.maxSteps = r.chance(0.05) ? 1000 : r.pick([1, 2, 3, 5, 8]);
  if (r.chance(0.4)) o.minSteps = Math.min(r.pick([0, 0, 1, 2, 3]), typeof o.maxSteps === 'number' ? o.maxSteps : 5);
  o.maxTokens = r.chance(0.9) ? (r.chance(0.1) ? r.pick([1, 4, 16]) : r.pick([48, 96, 160, 256])) : r.pick([512, 100000]);
  if (r.chance(0.2)) o.jumpForward = r.chance(0.5);
  if (r.chance(0.6)) o.format = r.pick(['steps', 'tool-calls']);
  if (r.chance(0.1)) {
    const key = r.pick(['temperature', 'topK', 'topP', 'seed', 'maxSteps', 'minSteps', 'maxTokens', 'jumpForward', 'format']);
    o[key] = key === 'format' ? r.pick(['bogus', '', 5, 'STEPS']) : r.pick(BAD);
  }
  if (r.chance(0.03)) Object.assign(o, { minSteps: 4, maxSteps: 2 }); // minSteps > maxSteps
  return o;
}
