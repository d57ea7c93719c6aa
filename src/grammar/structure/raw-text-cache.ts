/**
 * The fast path for free raw text (XML values without a pattern), where nearly every token is
 * allowed: per byte state, the vocabulary is classified once into tokens that stay inside the text
 * whatever follows (no byte of them could start the terminator) and the few that could (they carry
 * the terminator's first byte, a newline), which the matcher steps through the real stack.
 */
import { modeOf, NORMAL, pendingBytes } from '../frames/string-bytes.ts';
import type { Vocabulary } from '../vocabulary.ts';
import { rawStep } from './raw-text.ts';

export interface RawTextEntry {
  readonly insideMask: Uint32Array;
  readonly insideIds: Int32Array;
  readonly insideChars: Uint16Array;
  readonly insidePending: Uint8Array;
  readonly maxChars: number;
  readonly maxPending: number;
  /** Tokens containing the terminator's first byte. */
  readonly exitIds: Int32Array;
}

const caches = new WeakMap<Vocabulary, Map<string, Map<number, RawTextEntry>>>();

/** The classification of `vocab` for raw text closed by a terminator starting with `first`, from byte state `bs`. */
export function rawTextEntry(vocab: Vocabulary, first: number, bs: number): RawTextEntry {
  let byFirst = caches.get(vocab);
  if (!byFirst) caches.set(vocab, (byFirst = new Map()));
  let byState = byFirst.get(String(first));
  if (!byState) byFirst.set(String(first), (byState = new Map()));
  let e = byState.get(bs);
  if (!e) byState.set(bs, (e = build(vocab, first, bs)));
  return e;
}

function build(vocab: Vocabulary, first: number, start: number): RawTextEntry {
  const { tokens, maskWords } = vocab;
  const insideMask = new Uint32Array(maskWords);
  const ids: number[] = [];
  const chars: number[] = [];
  const pending: number[] = [];
  const exits: number[] = [];
  for (let id = 0; id < tokens.length; id++) {
    const bytes = tokens[id];
    if (!bytes || bytes.length === 0) continue;
    if (bytes.includes(first)) {
      exits.push(id);
      continue;
    }
    let s = start;
    let n = 0;
    for (let i = 0; i < bytes.length && s >= 0; i++) {
      if (modeOf(s) === NORMAL) n++;
      s = rawStep(s, bytes[i]!);
    }
    if (s < 0) continue;
    insideMask[id >>> 5]! |= 1 << (id & 31);
    ids.push(id);
    chars.push(n);
    pending.push(pendingBytes(s));
  }
  return {
    insideMask,
    insideIds: Int32Array.from(ids),
    insideChars: Uint16Array.from(chars),
    insidePending: Uint8Array.from(pending),
    maxChars: chars.reduce((a, b) => Math.max(a, b), 0),
    maxPending: pending.reduce((a, b) => Math.max(a, b), 0),
    exitIds: Int32Array.from(exits),
  };
}
