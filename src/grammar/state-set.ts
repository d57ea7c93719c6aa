/** A matcher's state: the set of stacks the bytes so far leave alive (several only in ambiguous unions). */
import { collect, stepStack, type Stack } from './frames/stack.ts';

export const NONE: Stack[] = [];

/** Steps every stack of a state set by one byte. */
export function stepAll(states: readonly Stack[], b: number): Stack[] {
  // Most bytes are rejected from a single state: answer those without allocating (the mask walk tries every byte).
  if (states.length === 1) {
    const r = stepStack(states[0]!, b);
    if (r === null) return NONE;
    if (!Array.isArray(r)) return r.min === Infinity ? NONE : [r];
    const out: Stack[] = [];
    collect(out, r);
    return out;
  }
  const out: Stack[] = [];
  for (const s of states) collect(out, stepStack(s, b));
  return out;
}

/** Fewest bytes that complete the document from any of `states`. */
export function minOfStates(states: readonly Stack[]): number {
  let m = Infinity;
  for (const s of states) if (s.min < m) m = s.min;
  return m;
}
