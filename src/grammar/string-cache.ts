/**
 * The fast path for free-text strings, where nearly every token is allowed and a trie walk would
 * visit the whole vocabulary. Per string byte-state (normal, mid-escape, mid-UTF-8) the vocabulary
 * is classified once:
 * - tokens that stay inside the string (context-independent: a bitmask, plus characters and
 *   pending bytes for the rare checks near maxLength or the budget);
 * - tokens that close it, grouped by the bytes after the quote, which only the enclosing context
 *   can judge (walked at run time, one group per distinct remainder).
 */
import { CLOSE, pendingBytes, REJECT, startsChar, stringStep } from './frames/string-bytes.ts';
import type { Vocabulary } from './vocabulary.ts';

export interface ExitGroup {
  /** Bytes after the closing quote. */
  readonly rem: Uint8Array;
  readonly ids: Int32Array;
  /** Characters before the quote, per token. */
  readonly chars: Uint16Array;
}

export interface FreeStringEntry {
  readonly insideMask: Uint32Array;
  readonly insideIds: Int32Array;
  readonly insideChars: Uint16Array;
  readonly insidePending: Uint8Array;
  readonly maxChars: number;
  readonly maxPending: number;
  /** Exit groups with an empty remainder (the token ends with the quote). */
  readonly closing: ExitGroup | null;
  /** Exit groups by the first byte after the quote. */
  readonly byFirst: ReadonlyMap<number, readonly ExitGroup[]>;
}

export class FreeStringCache {
  private readonly entries = new Map<number, FreeStringEntry>();
  constructor(private readonly vocab: Vocabulary) {}

  entry(state: number): FreeStringEntry {
    let e = this.entries.get(state);
    if (!e) {
      e = this.build(state);
      this.entries.set(state, e);
    }
    return e;
  }

  private build(start: number): FreeStringEntry {
    const { tokens, maskWords } = this.vocab;
    const insideMask = new Uint32Array(maskWords);
    const ids: number[] = [];
    const chars: number[] = [];
    const pending: number[] = [];
    const exits = new Map<string, { rem: Uint8Array; ids: number[]; chars: number[] }>();
    for (let id = 0; id < tokens.length; id++) {
      const bytes = tokens[id];
      if (!bytes || bytes.length === 0) continue;
      let s = start;
      let n = 0;
      let closedAt = -1;
      let ok = true;
      for (let i = 0; i < bytes.length; i++) {
        const b = bytes[i]!;
        if (startsChar(s, b)) n++;
        const r = stringStep(s, b);
        if (r === REJECT) {
          ok = false;
          break;
        }
        if (r === CLOSE) {
          closedAt = i;
          break;
        }
        s = r;
      }
      if (!ok) continue;
      if (closedAt < 0) {
        insideMask[id >>> 5]! |= 1 << (id & 31);
        ids.push(id);
        chars.push(n);
        pending.push(pendingBytes(s));
      } else {
        const rem = bytes.subarray(closedAt + 1);
        const key = rem.join(',');
        let g = exits.get(key);
        if (!g) exits.set(key, (g = { rem, ids: [], chars: [] }));
        g.ids.push(id);
        g.chars.push(n);
      }
    }
    let closing: ExitGroup | null = null;
    const byFirst = new Map<number, ExitGroup[]>();
    for (const g of exits.values()) {
      const group: ExitGroup = { rem: g.rem, ids: Int32Array.from(g.ids), chars: Uint16Array.from(g.chars) };
      if (g.rem.length === 0) closing = group;
      else {
        const list = byFirst.get(g.rem[0]!) ?? [];
        list.push(group);
        byFirst.set(g.rem[0]!, list);
      }
    }
    return {
      insideMask,
      insideIds: Int32Array.from(ids),
      insideChars: Uint16Array.from(chars),
      insidePending: Uint8Array.from(pending),
      maxChars: chars.reduce((a, b) => Math.max(a, b), 0),
      maxPending: pending.reduce((a, b) => Math.max(a, b), 0),
      closing,
      byFirst,
    };
  }
}
