/**
 * The token budget's witness: a completion of the document, as tokens of the vocabulary, that the
 * matcher keeps while the budget is too small for the shortest completion in bytes. Bytes bound the
 * tokens needed (every byte is a token), but a plan's keys and punctuation take several bytes a
 * token: a one-tool plan is ~76 bytes and ~20 tokens, so a budget counted in bytes refused budgets
 * that fit. A witness is any token sequence whose bytes complete the document; the fewer the
 * tokens, the more budget is left to the model.
 */
import { isComplete, type Stack } from './frames/stack.ts';
import { minOfStates, stepAll } from './state-set.ts';
import type { Vocabulary } from './vocabulary.ts';

/** A token sequence, as a list whose tails are shared: the suffix of a witness is the witness of the state it reaches. */
export interface Witness {
  readonly token: number;
  readonly rest: Witness | null;
  /** Tokens in the list (0 for END). */
  readonly length: number;
}

/** The empty witness: the document is complete. */
export const END: Witness = { token: -1, rest: null, length: 0 };

/**
 * One search's bound and memory: the bytes it may still step (each well under a microsecond), and
 * the witnesses found so far by the single stack they start from. One per mask, so a mask depends
 * only on the state it is made for, not on what was searched before.
 */
export class WitnessSearch {
  /**
   * Bytes in the order they are tried, the last one taken first: a document's shortest text uses
   * a few bytes over and over (`"`, `:`, `,`, `{`, the letters of its keys), so most positions
   * are settled in a few tries instead of a scan up to the byte (~100 for a letter).
   */
  readonly order = Uint8Array.from({ length: 256 }, (_, b) => b);
  /** `known`: another search's witnesses, to reach the same ones again (see GrammarMatcher.admit). */
  constructor(
    public left: number,
    readonly known = new Map<Stack, Witness>(),
  ) {}
}

/** Moves `b`, at index `i` of `order`, to the front. */
function toFront(order: Uint8Array, i: number): void {
  const b = order[i]!;
  order.copyWithin(1, 0, i);
  order[0] = b;
}

/**
 * A completion of `states` in few tokens, or null when none was found within `work`'s bound (the
 * budget then falls back to bytes). The shortest completion in bytes, stepped byte by byte (the
 * first byte in `work`'s order that brings the minimum down), then spelled in the fewest tokens,
 * each of its suffixes too: every single stack it passes through is remembered with its suffix,
 * so a later search that reaches one (the stack below an enum or a string, for each of their
 * tokens) stops there.
 */
export function tokenWitness(vocab: Vocabulary, states: readonly Stack[], stop: ReadonlySet<number>, work: WitnessSearch): Witness | null {
  const { known, order } = work;
  const bytes: number[] = [];
  const path: (Stack | undefined)[] = [];
  let cur: readonly Stack[] = states;
  let tail = END;
  for (;;) {
    const k = cur.length === 1 ? known.get(cur[0]!) : undefined;
    if (k) {
      tail = k;
      break;
    }
    path.push(cur.length === 1 ? cur[0] : undefined);
    if (cur.some(isComplete)) break;
    const m = minOfStates(cur);
    let next: Stack[] | undefined;
    for (let i = 0; i < 256; i++) {
      if (--work.left < 0) return null;
      const b = order[i]!;
      const after = stepAll(cur, b);
      // Some byte lowers a positive minimum by one (the invariant the byte budget relies on); a
      // minimum of 0 that cannot end yet only needs a byte that keeps it.
      if (after.length > 0 && minOfStates(after) <= Math.max(0, m - 1)) {
        bytes.push(b);
        next = after;
        if (i > 0) toFront(order, i);
        break;
      }
    }
    if (!next) return null;
    cur = next;
  }
  const suffixes = spellSuffixes(vocab, Uint8Array.from(bytes), stop, tail);
  if (!suffixes) return null;
  for (let i = 0; i < path.length; i++) {
    const s = path[i];
    const w = suffixes[i];
    if (s && w) known.set(s, w);
  }
  return suffixes[0]!;
}

/**
 * For every suffix of `bytes`, the fewest tokens that spell it exactly, followed by `tail` (a
 * shortest path over the vocabulary's trie, from the end), or null when some byte has no token.
 * Stop tokens are never used: they end the document.
 */
export function spellSuffixes(vocab: Vocabulary, bytes: Uint8Array, stop: ReadonlySet<number>, tail: Witness = END): (Witness | undefined)[] | null {
  const n = bytes.length;
  const { nodeByte, nodeToken, nodeEnd } = vocab;
  const out = new Array<Witness | undefined>(n + 1);
  out[n] = tail;
  for (let i = n - 1; i >= 0; i--) {
    let best: Witness | undefined;
    let token = -1;
    let node = 0;
    for (let j = i; j < n; j++) {
      // Children of a node lie in (node, nodeEnd[node]), each subtree skipped whole.
      let c = node + 1;
      while (c < nodeEnd[node]! && nodeByte[c] !== bytes[j]) c = nodeEnd[c]!;
      if (c >= nodeEnd[node]!) break;
      node = c;
      const t = nodeToken[node]!;
      const rest = out[j + 1];
      if (t >= 0 && !stop.has(t) && rest && (!best || rest.length < best.length)) {
        best = rest;
        token = t;
      }
    }
    out[i] = best ? { token, rest: best, length: best.length + 1 } : undefined;
  }
  return out[0] ? out : null;
}
