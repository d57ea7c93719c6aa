/** A matcher's state: the set of stacks the bytes so far leave alive (several only in ambiguous unions). */
import { collect, stepStack, type Stack } from './frames/stack.ts';

export const NONE: Stack[] = [];

/**
 * Steps `count` byte runs, given in byte order, from `start`: each from the states after the bytes
 * it shares with the run before (`sharedOf(k)`), so a common prefix is stepped once. Calls
 * `done(k, states)` with the states after all of run k (NONE where it died). `levels`: scratch.
 */
export function stepSortedRuns(
  start: Stack[],
  count: number,
  bytesOf: (k: number) => Uint8Array,
  sharedOf: (k: number) => number,
  done: (k: number, states: readonly Stack[]) => void,
  levels: Stack[][] = [],
): void {
  // levels[0..valid] hold the states after that many bytes of the run before.
  levels[0] = start;
  let valid = 0;
  for (let k = 0; k < count; k++) {
    const run = bytesOf(k);
    let d = Math.min(sharedOf(k), valid);
    let cur = levels[d]!;
    while (cur.length && d < run.length) {
      cur = stepAll(cur, run[d]!);
      levels[++d] = cur;
    }
    valid = d;
    done(k, cur.length && d === run.length ? cur : NONE);
  }
  levels.length = 0;
}

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
