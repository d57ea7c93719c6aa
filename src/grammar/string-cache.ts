/**
 * The fast path for free-text strings, where nearly every token is allowed and a trie walk would
 * visit the whole vocabulary. Per string byte-state (normal, mid-escape, mid-UTF-8) the vocabulary
 * is classified once:
 * - tokens that stay inside the string (context-independent: a bitmask, plus characters and
 *   pending bytes for the rare checks near maxLength or the budget);
 * - tokens that close it, grouped by the bytes after the quote, which only the enclosing context
 *   can judge (walked at run time, one group per distinct remainder).
 */
import { CLOSE, NORMAL, pendingBytes, REJECT, startsChar, stringStep } from './frames/string-bytes.ts';
import { heldBytes } from '../shared/held-bytes.ts';
import { LruCache } from '../shared/lru.ts';
import type { TokenTrie } from './token-trie.ts';

/**
 * Entries kept per cache besides the plain in-string state. A state inside a UTF-8 sequence or a
 * \uXXXX escape holds its partial code point, so random or CJK text meets new states for as long as
 * it runs: unbounded, these caches grew ~1.5 KB a plan in the soak (20 KB an entry at 152k tokens).
 */
export const STATE_ENTRIES = 64;

export interface ExitGroup {
  /** Bytes after the closing quote. */
  readonly rem: Uint8Array;
  readonly ids: Int32Array;
  /** Characters before the quote, per token. */
  readonly chars: Uint16Array;
  /** Bytes of `rem` shared with the group before it in `exits` (sorted by `rem`): stepped once for both. */
  readonly shared: number;
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
  /** The other exit groups, sorted by the bytes after the quote. */
  readonly exits: readonly ExitGroup[];
}

export class FreeStringCache {
  /** Every state other than NORMAL: a partial UTF-8 sequence or escape carries its bits in the state, so there are many. */
  private readonly entries: LruCache<number, FreeStringEntry>;
  private normal: FreeStringEntry | undefined;
  private normalBytes = 0;
  /** `maxBytes`: the bound of the entries besides the plain state's (which is kept: every string starts there). */
  constructor(
    private readonly vocab: TokenTrie,
    maxBytes = Infinity,
  ) {
    this.entries = new LruCache({ entries: STATE_ENTRIES, bytes: maxBytes, bytesOf: (e) => heldBytes(e) });
  }

  /** Entries held (the plain in-string state's included). */
  get size(): number {
    return this.entries.size + (this.normal ? 1 : 0);
  }

  /** Counted bytes held (see held-bytes.ts), the plain state's included. */
  get bytes(): number {
    return this.entries.bytes + this.normalBytes;
  }

  /** The byte bound of the entries besides the plain state's. */
  get byteLimit(): number {
    return this.entries.byteLimit;
  }

  /** Drops every entry, the plain state's too (it is built again on first use). */
  clear(): void {
    this.entries.clear();
    this.normal = undefined;
    this.normalBytes = 0;
  }

  entry(state: number): FreeStringEntry {
    if (state === NORMAL) {
      if (!this.normal) this.normalBytes = heldBytes((this.normal = this.build(NORMAL)));
      return this.normal;
    }
    let e = this.entries.lookup(state);
    if (!e) this.entries.set(state, (e = this.build(state)));
    return e;
  }

  private build(start: number): FreeStringEntry {
    const { tokens, maskWords, nodeByte, nodeToken, nodeEnd, nodeDepth, sharedTokens, maxTokenBytes } = this.vocab;
    // Classified along the trie, each shared prefix stepped once. Per token: kind 1 stays inside
    // (`at`: its end state), 2 closes (`at`: the quote's offset), 0 neither.
    const kind = new Uint8Array(tokens.length);
    const charsOf = new Uint16Array(tokens.length);
    const at = new Int32Array(tokens.length);
    const stateAt = new Int32Array(maxTokenBytes + 1);
    const charsAt = new Int32Array(maxTokenBytes + 1);
    stateAt[0] = start;
    const anyShared = sharedTokens.size > 0;
    for (let i = 1, end = nodeEnd[0]!; i < end; ) {
      const d = nodeDepth[i]!;
      const s = stateAt[d - 1]!;
      const b = nodeByte[i]!;
      const c = charsAt[d - 1]! + (startsChar(s, b) ? 1 : 0);
      const r = stringStep(s, b);
      if (r === REJECT) {
        i = nodeEnd[i]!;
        continue;
      }
      const closes = r === CLOSE;
      // A close decides every token below.
      const last = closes ? nodeEnd[i]! : i + 1;
      for (let j = i; j < last; j++) {
        const t = nodeToken[j]!;
        if (t < 0) continue;
        kind[t] = closes ? 2 : 1;
        charsOf[t] = c;
        at[t] = closes ? d - 1 : r;
        if (anyShared) for (const u of sharedTokens.get(j) ?? []) (kind[u] = kind[t]!), (charsOf[u] = c), (at[u] = at[t]!);
      }
      if (closes) {
        i = last;
        continue;
      }
      stateAt[d] = r;
      charsAt[d] = c;
      i++;
    }
    // Gathered in id order, as a per-token scan would list them.
    let inside = 0;
    for (let id = 0; id < kind.length; id++) if (kind[id] === 1) inside++;
    const insideMask = new Uint32Array(maskWords);
    const insideIds = new Int32Array(inside);
    const insideChars = new Uint16Array(inside);
    const insidePending = new Uint8Array(inside);
    let maxChars = 0;
    let maxPending = 0;
    const exits = new Map<string, { rem: Uint8Array; ids: number[]; chars: number[] }>();
    for (let id = 0, k = 0; id < tokens.length; id++) {
      if (kind[id] === 1) {
        insideMask[id >>> 5]! |= 1 << (id & 31);
        insideIds[k] = id;
        insideChars[k] = charsOf[id]!;
        insidePending[k++] = pendingBytes(at[id]!);
        maxChars = Math.max(maxChars, charsOf[id]!);
        maxPending = Math.max(maxPending, pendingBytes(at[id]!));
      } else if (kind[id] === 2) {
        const rem = tokens[id]!.subarray(at[id]! + 1);
        const key = rem.join(',');
        let g = exits.get(key);
        if (!g) exits.set(key, (g = { rem, ids: [], chars: [] }));
        g.ids.push(id);
        g.chars.push(charsOf[id]!);
      }
    }
    let closing: ExitGroup | null = null;
    const others: ExitGroup[] = [];
    const sorted = [...exits.values()].sort((a, b) => compareBytes(a.rem, b.rem));
    for (let k = 0; k < sorted.length; k++) {
      const g = sorted[k]!;
      const group: ExitGroup = { rem: g.rem, ids: Int32Array.from(g.ids), chars: Uint16Array.from(g.chars), shared: k > 0 ? commonPrefix(sorted[k - 1]!.rem, g.rem) : 0 };
      if (g.rem.length === 0) closing = group;
      else others.push(group);
    }
    return {
      insideMask,
      insideIds,
      insideChars,
      insidePending,
      maxChars,
      maxPending,
      closing,
      exits: others,
    };
  }
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length && i < b.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

function commonPrefix(a: Uint8Array, b: Uint8Array): number {
  let l = 0;
  while (l < a.length && l < b.length && a[l] === b[l]) l++;
  return l;
}
