/**
 * One place that checks a call's options before any work: a NaN or a string where a number belongs
 * would otherwise surface far away (a SyntaxError after decoding, a nonsense PromptTooLongError).
 */
import { InvalidOptionError } from './errors.ts';
import { formatOf } from './formats/index.ts';
import { MAX_STEPS } from './plan-schema.ts';
import type { PlanOptions } from './types.ts';

function integer(o: PlanOptions, key: 'maxSteps' | 'minSteps' | 'maxTokens' | 'topK' | 'seed', min: number): void {
  const v: unknown = o[key];
  if (v !== undefined && (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min)) {
    throw new InvalidOptionError(key, `must be an integer ≥ ${min}`, v);
  }
}

function real(o: PlanOptions, key: 'temperature' | 'topP', min: number, max: number): void {
  const v: unknown = o[key];
  if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max)) {
    throw new InvalidOptionError(key, `must be a number in [${min}, ${max}]`, v);
  }
}

/** Throws InvalidOptionError for the first option that is not what PlanOptions says. */
export function checkPlanOptions(o: PlanOptions): void {
  const signal: unknown = o.signal;
  if (signal !== undefined && !(typeof AbortSignal !== 'undefined' && signal instanceof AbortSignal)) {
    throw new InvalidOptionError('signal', 'must be an AbortSignal', signal);
  }
  integer(o, 'maxSteps', 1);
  if (o.maxSteps !== undefined && o.maxSteps > MAX_STEPS) throw new InvalidOptionError('maxSteps', `must be at most ${MAX_STEPS}`, o.maxSteps);
  integer(o, 'minSteps', 0);
  integer(o, 'maxTokens', 1);
  integer(o, 'topK', 0);
  integer(o, 'seed', 0);
  real(o, 'temperature', 0, Infinity);
  real(o, 'topP', 0, 1);
  if (o.format !== undefined) formatOf(o.format);
  if (o.jumpForward !== undefined && typeof o.jumpForward !== 'boolean') throw new InvalidOptionError('jumpForward', 'must be a boolean', o.jumpForward);
  const sl: unknown = o.shortlist;
  if (sl !== undefined) {
    const k = typeof sl === 'object' && sl !== null ? (sl as { k?: unknown }).k : sl;
    if (typeof k !== 'number' || !Number.isSafeInteger(k) || k < 1) throw new InvalidOptionError('shortlist', 'must be an integer ≥ 1 or { k, rank? }', sl);
    const rank = typeof sl === 'object' && sl !== null ? (sl as { rank?: unknown }).rank : undefined;
    if (rank !== undefined && typeof rank !== 'function') throw new InvalidOptionError('shortlist', 'rank must be a function', rank);
  }
  if ((o.minSteps ?? 1) > (o.maxSteps ?? 5)) throw new InvalidOptionError('minSteps', `must not exceed maxSteps (${o.maxSteps ?? 5})`, o.minSteps);
}
