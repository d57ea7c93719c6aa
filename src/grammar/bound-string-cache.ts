/**
 * The fast path for strings the free-string cache cannot serve: strings with a pattern/format
 * automaton and object keys (judged, decoded, when they close). A
 * trie walk inside such a string visits most of the vocabulary (an email's local part allows
 * nearly every ASCII token), so per (pattern automaton or free text, mode, automaton state, byte
 * state) the vocabulary is classified once:
 * - tokens that stay inside the string: a bitmask, plus per token the characters it adds and the
 *   state it ends in, for the exact checks near maxLength or the token budget;
 * - tokens that reach the closing quote: listed, and stepped through the real stack at run time
 *   (the close depends on the count, the automaton's accepting states and the key hook).
 * Additional object keys off the declared-name trie (object.ts KeyFrame) get the same treatment, and
 * so does raw text, free or with a pattern (XML values, structure/raw-text.ts), whose exits are the
 * tokens that carry its terminator's first byte.
 */
import { unescapeBytes } from './unescape-bytes.ts';
import { CLOSE, modeOf, NORMAL, pendingBytes, REJECT, startsChar, stringStep } from './frames/string-bytes.ts';
import { automatonAfter, automatonOwnMin } from './frames/string.ts';
import type { StringAutomaton } from './regex/automaton.ts';
import { rawStep } from './frames/raw-text.ts';
import { LruCache } from '../shared/lru.ts';
import { heldBytes } from '../shared/held-bytes.ts';
import { STATE_ENTRIES } from './string-cache.ts';
import type { TokenTrie } from './token-trie.ts';

export interface BoundStringEntry {
  readonly insideMask: Uint32Array;
  readonly insideIds: Int32Array;
  readonly insideChars: Uint16Array;
  readonly insideBs: Int32Array;
  readonly insideAuto: Int32Array;
  readonly maxChars: number;
  /** Largest closing cost after an inside token, with minLength taken as met. */
  readonly maxOwn: number;
  /** Largest count of pending UTF-8/escape bytes after an inside token. */
  readonly maxPending: number;
  /** Tokens whose bytes reach the closing quote validly. */
  readonly exitIds: Int32Array;
}

/** What the matcher's key-exit grouping needs of each exit token of a key entry. */
export interface KeyExitInfo {
  /** Offset just past the closing quote, -1 if none. */
  closeAt: Int32Array;
  /** Index in `rests` of the bytes after the quote. */
  restId: Int32Array;
  /** STEP: step for real (a comma after the colon); ESCAPED: an escape before the quote (names compare decoded). */
  flags: Uint8Array;
  /** Per ESCAPED exit: its bytes before the quote with the escapes decoded (`unescapeBytes`; null: compare as strings). */
  unescaped: (Uint8Array | null)[];
  rests: Uint8Array[];
  /** Rest ids in byte order, and each one's common prefix length with the one before it. */
  order: Int32Array;
  lcp: Int32Array;
}

/** KeyExitInfo flags. */
export const STEP = 1;
export const ESCAPED = 2;

/** Per exit token of `e`, the key entry of byte state `bs`: where its quote closes the key, and what follows. */
function keyExitInfo(vocab: TokenTrie, e: BoundStringEntry, bs: number): KeyExitInfo {
  const n = e.exitIds.length;
  const info: KeyExitInfo = { closeAt: new Int32Array(n).fill(-1), restId: new Int32Array(n), flags: new Uint8Array(n), unescaped: [], rests: [], order: new Int32Array(0), lcp: new Int32Array(0) };
  const ids = new Map<string, number>();
  for (let k = 0; k < n; k++) {
    const bytes = vocab.tokens[e.exitIds[k]!]!;
    let st = bs;
    for (let i = 0; i < bytes.length; i++) {
      const r = stringStep(st, bytes[i]!);
      if (r === CLOSE) {
        info.closeAt[k] = i + 1;
        break;
      }
      if (r < 0) break;
      st = r;
    }
    const at = info.closeAt[k]!;
    if (at < 0) continue;
    const rest = bytes.subarray(at);
    // A comma reaches a later key only past the colon (before it, the closed key refuses it alike).
    const colon = rest.indexOf(0x3a);
    if (colon >= 0 && rest.indexOf(0x2c, colon) >= 0) info.flags[k] = STEP;
    else if (bytes.subarray(0, at - 1).includes(0x5c)) {
      info.flags[k] = ESCAPED;
      info.unescaped[k] = unescapeBytes(bytes.subarray(0, at - 1));
    }
    const key = rest.join(',');
    let id = ids.get(key);
    if (id === undefined) {
      ids.set(key, (id = info.rests.length));
      info.rests.push(rest);
    }
    info.restId[k] = id;
  }
  // Sorted, so that runs sharing a prefix are stepped through it once (like the vocabulary trie walk).
  const cmp = (a: Uint8Array, b: Uint8Array) => {
    for (let i = 0; i < a.length && i < b.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
    return a.length - b.length;
  };
  info.order = Int32Array.from(info.rests.map((_, i) => i).sort((x, y) => cmp(info.rests[x]!, info.rests[y]!)));
  info.lcp = new Int32Array(info.order.length);
  for (let o = 1; o < info.order.length; o++) {
    const a = info.rests[info.order[o - 1]!]!;
    const b = info.rests[info.order[o]!]!;
    let l = 0;
    while (l < a.length && l < b.length && a[l] === b[l]) l++;
    info.lcp[o] = l;
  }
  return info;
}

/** How the string is written: a JSON string value, an object key, or raw text (0-255: its terminator's first byte). */
export const JSON_VALUE = 256;
export const OBJECT_KEY = 257;

/** Ids of automata for cache keys (weak: an automaton's id goes with it; its entries age out of the LRU). */
const automatonIds = new WeakMap<object, number>();
let nextAutomatonId = 1;
const idOf = (a: StringAutomaton | null): number => {
  if (!a) return 0;
  let id = automatonIds.get(a);
  if (id === undefined) automatonIds.set(a, (id = nextAutomatonId++));
  return id;
};

export class BoundStringCache {
  /**
   * Entries per automaton, not per schema node: nodes with equal patterns and bounds share one
   * automaton (3,000 tools with an email each), and nothing in an entry depends on the node beyond it.
   */
  private readonly byAutomaton: LruCache<string, BoundStringEntry>;
  private readonly additionalKeys: LruCache<number, BoundStringEntry>;
  private readonly additionalKeyExits: LruCache<number, KeyExitInfo>;
  /** Per-token scratch of `build`, kept across builds (zeroed where used): allocating ~1.7 MB a build cost more than most walks. */
  private scratch: { kind: Uint8Array; charsOf: Uint16Array; bsOf: Int32Array; autoOf: Int32Array; touched: Int32Array } | undefined;
  /** `maxBytes`: the bound of all three tables together (half to pattern strings, a quarter to each key table). */
  constructor(
    private readonly vocab: TokenTrie,
    maxBytes = Infinity,
  ) {
    const bytesOf = (e: unknown): number => heldBytes(e);
    this.byAutomaton = new LruCache<string, BoundStringEntry>({ entries: 64 * STATE_ENTRIES, bytes: maxBytes / 2, bytesOf });
    this.additionalKeys = new LruCache<number, BoundStringEntry>({ entries: STATE_ENTRIES, bytes: maxBytes / 4, bytesOf });
    this.additionalKeyExits = new LruCache<number, KeyExitInfo>({ entries: STATE_ENTRIES, bytes: maxBytes / 4, bytesOf });
  }

  /** Entries held for additional keys and their exits. */
  get keySize(): number {
    return this.additionalKeys.size + this.additionalKeyExits.size;
  }

  /** Entries held in all three tables. */
  get size(): number {
    return this.byAutomaton.size + this.keySize;
  }

  /** Counted bytes held (see held-bytes.ts). */
  get bytes(): number {
    return this.byAutomaton.bytes + this.additionalKeys.bytes + this.additionalKeyExits.bytes;
  }

  /** The byte bound of the three tables together. */
  get byteLimit(): number {
    return this.byAutomaton.byteLimit + this.additionalKeys.byteLimit + this.additionalKeyExits.byteLimit;
  }

  /** Drops every entry. */
  clear(): void {
    this.byAutomaton.clear();
    this.additionalKeys.clear();
    this.additionalKeyExits.clear();
  }

  /** An additional (undeclared) object key, off the declared-name trie: free text, escapes included. */
  keyEntry(bs: number): BoundStringEntry {
    let e = this.additionalKeys.lookup(bs);
    if (!e) this.additionalKeys.set(bs, (e = this.build(null, OBJECT_KEY, -1, bs)));
    return e;
  }

  /** What follows the closing quote of each exit token of `keyEntry(bs)` (the matcher groups them by it). */
  keyExits(bs: number): KeyExitInfo {
    let x = this.additionalKeyExits.lookup(bs);
    if (!x) this.additionalKeyExits.set(bs, (x = keyExitInfo(this.vocab, this.keyEntry(bs), bs)));
    return x;
  }

  /** `a`: the string's pattern automaton, or null for free text. `mode`: JSON_VALUE, OBJECT_KEY, or for raw text its terminator's first byte. */
  entry(a: StringAutomaton | null, mode: number, auto: number, bs: number): BoundStringEntry {
    const key = `${idOf(a)}:${auto}:${bs}:${mode}`;
    let e = this.byAutomaton.lookup(key);
    if (!e) this.byAutomaton.set(key, (e = this.build(a, mode, auto, bs)));
    return e;
  }

  private build(a: StringAutomaton | null, mode: number, auto0: number, bs0: number): BoundStringEntry {
    const raw = mode < 256;
    const { tokens, maskWords, nodeByte, nodeToken, nodeEnd, nodeDepth, sharedTokens, maxTokenBytes } = this.vocab;
    // Classified along the trie, each shared prefix stepped once. Per token: kind 1 stays inside
    // (with its characters and end states), 2 exits, 0 rejected; the tokens classified are listed.
    const n = tokens.length;
    const scratch = (this.scratch ??= { kind: new Uint8Array(n), charsOf: new Uint16Array(n), bsOf: new Int32Array(n), autoOf: new Int32Array(n), touched: new Int32Array(n) });
    const { kind, charsOf, bsOf, autoOf, touched } = scratch;
    let count = 0;
    const bsAt = new Int32Array(maxTokenBytes + 1);
    const autoAt = new Int32Array(maxTokenBytes + 1);
    const charsAt = new Int32Array(maxTokenBytes + 1);
    bsAt[0] = bs0;
    autoAt[0] = auto0;
    const anyShared = sharedTokens.size > 0;
    for (let i = 1, end = nodeEnd[0]!; i < end; ) {
      const d = nodeDepth[i]!;
      const b = nodeByte[i]!;
      const bs = bsAt[d - 1]!;
      let auto = autoAt[d - 1]!;
      let chars = charsAt[d - 1]!;
      let outcome = 0; // 0 inside, 1 exit, -1 rejected
      let r = bs;
      if (raw && b === mode) outcome = 1;
      else {
        r = raw ? rawStep(bs, b) : stringStep(bs, b);
        if (r === REJECT) outcome = -1;
        else if (r === CLOSE) outcome = 1;
        // Same rules as StringFrame.step / KeyFrame.step, minus the count (checked at run time
        // against the room left). Keys may hold escapes: they are compared decoded when they close.
        else {
          // Raw text has no closing quote: every byte in the normal state starts a character.
          if (raw ? modeOf(bs) === NORMAL : startsChar(bs, b)) chars++;
          if (a) {
            auto = automatonAfter(a, auto, bs, b, r, raw);
            if (auto < 0) outcome = -1;
          }
        }
      }
      if (outcome === -1) {
        i = nodeEnd[i]!;
        continue;
      }
      // An exit decides every token below.
      const last = outcome === 1 ? nodeEnd[i]! : i + 1;
      for (let j = i; j < last; j++) {
        const t = nodeToken[j]!;
        if (t < 0) continue;
        kind[t] = outcome === 1 ? 2 : 1;
        charsOf[t] = chars;
        bsOf[t] = r;
        autoOf[t] = auto;
        touched[count++] = t;
        if (anyShared) for (const u of sharedTokens.get(j) ?? []) (kind[u] = kind[t]!), (charsOf[u] = chars), (bsOf[u] = r), (autoOf[u] = auto), (touched[count++] = u);
      }
      if (outcome === 1) {
        i = last;
        continue;
      }
      bsAt[d] = r;
      autoAt[d] = auto;
      charsAt[d] = chars;
      i++;
    }
    // Gathered in id order, as a per-token scan would list them: few tokens (a pattern's digits)
    // sorted, many (free text, keys) by a scan of every id.
    const ids = count < n >>> 4 ? touched.subarray(0, count).sort() : null;
    const each = (f: (id: number) => void): void => {
      if (ids) for (let k = 0; k < ids.length; k++) f(ids[k]!);
      else for (let id = 0; id < n; id++) if (kind[id] !== 0) f(id);
    };
    let inside = 0;
    let exit = 0;
    each((id) => {
      if (kind[id] === 1) inside++;
      else exit++;
    });
    const insideMask = new Uint32Array(maskWords);
    const insideIds = new Int32Array(inside);
    const insideChars = new Uint16Array(inside);
    const insideBs = new Int32Array(inside);
    const insideAuto = new Int32Array(inside);
    const exitIds = new Int32Array(exit);
    let maxChars = 0;
    let maxOwn = 0;
    let maxPending = 0;
    let k = 0;
    let x = 0;
    each((id) => {
      if (kind[id] === 2) {
        exitIds[x++] = id;
        return;
      }
      const bs = bsOf[id]!;
      const auto = autoOf[id]!;
      insideMask[id >>> 5]! |= 1 << (id & 31);
      insideIds[k] = id;
      insideChars[k] = charsOf[id]!;
      insideBs[k] = bs;
      insideAuto[k++] = auto;
      maxChars = Math.max(maxChars, charsOf[id]!);
      maxOwn = Math.max(maxOwn, a ? automatonOwnMin(a, bs, auto) : pendingBytes(bs) + 1);
      maxPending = Math.max(maxPending, pendingBytes(bs));
    });
    // Zeroed where used, for the next build.
    if (ids) for (let k = 0; k < ids.length; k++) kind[ids[k]!] = 0;
    else kind.fill(0);
    return { insideMask, insideIds, insideChars, insideBs, insideAuto, maxChars, maxOwn, maxPending, exitIds };
  }
}
