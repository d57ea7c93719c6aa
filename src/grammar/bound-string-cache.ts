/**
 * The fast path for strings the free-string cache cannot serve: strings with a pattern/format
 * automaton and object keys (which must not contain escapes and are judged when they close). A
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
import { CLOSE, modeOf, NORMAL, pendingBytes, REJECT, startsChar, stringStep } from './frames/string-bytes.ts';
import { automatonAfter, automatonOwnMin } from './frames/string.ts';
import type { StringAutomaton } from './regex/automaton.ts';
import { rawStep } from './structure/raw-text.ts';
import type { Vocabulary } from './vocabulary.ts';

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

/** How the string is written: a JSON string value, an object key, or raw text (0-255: its terminator's first byte). */
export const JSON_VALUE = 256;
export const OBJECT_KEY = 257;

/** The key of strings without a pattern (free text), beside the automata. */
const FREE = {};

export class BoundStringCache {
  /**
   * Entries per automaton, not per schema node: nodes with equal patterns and bounds share one
   * automaton (3,000 tools with an email each), and nothing in an entry depends on the node beyond it.
   */
  private readonly byAutomaton = new WeakMap<object, Map<string, BoundStringEntry>>();
  private readonly additionalKeys = new Map<number, BoundStringEntry>();
  constructor(private readonly vocab: Vocabulary) {}

  /** An additional (undeclared) object key, off the declared-name trie: free text without escapes. */
  keyEntry(bs: number): BoundStringEntry {
    let e = this.additionalKeys.get(bs);
    if (!e) this.additionalKeys.set(bs, (e = this.build(null, OBJECT_KEY, -1, bs)));
    return e;
  }

  /** `a`: the string's pattern automaton, or null for free text. `mode`: JSON_VALUE, OBJECT_KEY, or for raw text its terminator's first byte. */
  entry(a: StringAutomaton | null, mode: number, auto: number, bs: number): BoundStringEntry {
    let m = this.byAutomaton.get(a ?? FREE);
    if (!m) this.byAutomaton.set(a ?? FREE, (m = new Map()));
    const key = `${auto}:${bs}:${mode}`;
    let e = m.get(key);
    if (!e) m.set(key, (e = this.build(a, mode, auto, bs)));
    return e;
  }

  private build(a: StringAutomaton | null, mode: number, auto0: number, bs0: number): BoundStringEntry {
    const isKey = mode === OBJECT_KEY;
    const raw = mode < 256;
    const { tokens, maskWords } = this.vocab;
    const insideMask = new Uint32Array(maskWords);
    const ids: number[] = [];
    const chars: number[] = [];
    const endBs: number[] = [];
    const endAuto: number[] = [];
    const exits: number[] = [];
    let maxOwn = 0;
    let maxPending = 0;
    for (let id = 0; id < tokens.length; id++) {
      const bytes = tokens[id];
      if (!bytes || bytes.length === 0) continue;
      let bs = bs0;
      let auto = auto0;
      let n = 0;
      let outcome = 0; // 0 inside, 1 exit, -1 rejected
      for (let i = 0; i < bytes.length; i++) {
        const b = bytes[i]!;
        if (raw && b === mode) {
          outcome = 1;
          break;
        }
        const r = raw ? rawStep(bs, b) : stringStep(bs, b);
        if (r === REJECT) {
          outcome = -1;
          break;
        }
        if (r === CLOSE) {
          outcome = 1;
          break;
        }
        // Same rules as StringFrame.step, minus the count (checked at run time against the room left).
        if (isKey && b === 0x5c && modeOf(bs) === NORMAL) {
          outcome = -1;
          break;
        }
        // Raw text has no closing quote: every byte in the normal state starts a character.
        if (raw ? modeOf(bs) === NORMAL : startsChar(bs, b)) n++;
        if (a) {
          auto = automatonAfter(a, auto, bs, b, r, raw);
          if (auto < 0) {
            outcome = -1;
            break;
          }
        }
        bs = r;
      }
      if (outcome === 1) exits.push(id);
      else if (outcome === 0) {
        insideMask[id >>> 5]! |= 1 << (id & 31);
        ids.push(id);
        chars.push(n);
        endBs.push(bs);
        endAuto.push(auto);
        maxOwn = Math.max(maxOwn, a ? automatonOwnMin(a, bs, auto) : pendingBytes(bs) + 1);
        maxPending = Math.max(maxPending, pendingBytes(bs));
      }
    }
    return {
      insideMask,
      insideIds: Int32Array.from(ids),
      insideChars: Uint16Array.from(chars),
      insideBs: Int32Array.from(endBs),
      insideAuto: Int32Array.from(endAuto),
      maxChars: chars.reduce((x, y) => Math.max(x, y), 0),
      maxOwn,
      maxPending,
      exitIds: Int32Array.from(exits),
    };
  }
}

