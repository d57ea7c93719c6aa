/**
 * Per-request matcher: token masks from one pre-order walk of the vocabulary trie, token
 * acceptance, rollback, completion, jump-forward and the token budget.
 */
import { unescapeBytes } from './unescape-bytes.ts';
import { ESCAPED, JSON_VALUE, OBJECT_KEY, type BoundStringCache, type BoundStringEntry, type KeyExitInfo } from './bound-string-cache.ts';
import { BudgetExceededError, TokenRejectedError } from './errors.ts';
import { inByteSet, isComplete, MaskPath, Stack } from './frames/stack.ts';
import { minOfStates, stepAll, stepSortedRuns } from './state-set.ts';
import { tokenWitness, WitnessSearch, type Witness } from './token-witness.ts';
import { KeyFrame } from './frames/object.ts';
import { pendingBytes } from './frames/string-bytes.ts';
import { StringFrame, stringOwnMin } from './frames/string.ts';
import type { StringNode } from './schema/nodes.ts';
import { RawTextFrame } from './frames/raw-text.ts';
import type { ExitGroup, FreeStringCache } from './string-cache.ts';
import type { Vocabulary } from './vocabulary.ts';

/**
 * Per object being written (the stack below its frame, its node), per key byte state and property
 * count: the shortest finish after each run of bytes that can follow an additional key's closing
 * quote (see GrammarMatcher.closedRestMins).
 */
const closedRests = new WeakMap<Stack, WeakMap<object, Map<string, Float64Array>>>();

/** Declared names of each object node by byte length (what closing tokens are compared with). */
const declaredNames = new WeakMap<object, Map<number, Uint8Array[]>>();

/** `names` as UTF-8, grouped by byte length, added to a copy of `base`. */
function namesByLength(names: readonly string[], base?: Map<number, Uint8Array[]>): Map<number, Uint8Array[]> {
  const out = new Map<number, Uint8Array[]>();
  if (base) for (const [n, list] of base) out.set(n, [...list]);
  for (const name of names) {
    const b = UTF8_ENCODER.encode(name);
    const same = out.get(b.length);
    if (same) same.push(b);
    else out.set(b.length, [b]);
  }
  return out;
}

/** mask |= bits, word by word. */
function orInto(mask: Uint32Array, bits: Uint32Array): void {
  for (let w = 0; w < mask.length; w++) mask[w]! |= bits[w]!;
}

/** The string classifications of one vocabulary a matcher reads (owned by its GrammarCompiler). */
export interface StringCaches {
  readonly free: FreeStringCache;
  readonly bound: BoundStringCache;
}

export interface MatcherOptions {
  /**
   * Tokens the decoder may still spend on the document (the stop token not counted). The mask
   * narrows as the budget nears the shortest completion, so a document always ends within it.
   */
  maxTokens?: number;
  /** Use the free-string token cache (default true; off only to test it against the plain walk). */
  stringCache?: boolean;
  /**
   * Count the budget in tokens (default true): a completion spelled in few enough tokens admits a
   * token the byte minimum refuses — from the trie walk, and always the first token of the one kept
   * when the budget is below the byte minimum. Off: bytes only (to test the caches' byte rule
   * against the plain walk).
   */
  witnesses?: boolean;
}

/**
 * Bytes a mask may step to find witnesses for tokens the byte minimum refuses (~1–3 ms): past it,
 * the mask keeps to the byte rule, which is always sound. The start of a document may take more.
 */
const MASK_WITNESS_WORK = 20_000;
const START_WITNESS_WORK = 2_000_000;

const UTF8_ENCODER = new TextEncoder();
const UTF8_DECODER = new TextDecoder();

/** A run of bytes no state survives (distinct from any minimum: the budget may be unlimited). */
const REFUSED = -1;

/**
 * The fewest bytes to finish after each run of bytes that may follow a closed key, from `closed`
 * (REFUSED: no state survives it; live states always have a finite minimum). Runs in byte order,
 * each stepped from its common prefix with the one before.
 */
function restMins(closed: Stack, info: KeyExitInfo): Float64Array {
  const { rests, order, lcp } = info;
  const mins = new Float64Array(rests.length);
  stepSortedRuns(
    [closed],
    order.length,
    (o) => rests[order[o]!]!,
    (o) => lcp[o]!,
    (o, states) => (mins[order[o]!] = states.length ? minOfStates(states) : REFUSED),
  );
  return mins;
}

/** A name neither declared nor used in `f`'s object: stands for any such name once the key is closed. */
function unusedName(f: KeyFrame): string {
  let name = '\u0000';
  while (f.obj.node.props.some((p) => p.name === name) || f.obj.used.includes(name)) name += '\u0000';
  return name;
}

/** Sets the bits of the tokens of exit group `g` whose characters before the quote fit in [need, room]. */
function admitExits(mask: Uint32Array, g: ExitGroup, need: number, room: number): void {
  for (let k = 0; k < g.ids.length; k++) {
    const c = g.chars[k]!;
    if (c >= need && c <= room) mask[g.ids[k]! >>> 5]! |= 1 << (g.ids[k]! & 31);
  }
}

/** Is `head` followed by the first `n` bytes of `tail` one of the names in `taken` (a plain loop: a closure per exit token was most of a key mask's garbage)? */
function isTaken(taken: Map<number, Uint8Array[]>, head: Uint8Array, tail: Uint8Array, n: number): boolean {
  const same = taken.get(head.length + n);
  if (!same) return false;
  for (let i = 0; i < same.length; i++) if (equalsJoined(same[i]!, head, tail, n)) return true;
  return false;
}

/** Is `name` the bytes of `head` followed by the first `n` bytes of `tail`? */
function equalsJoined(name: Uint8Array, head: Uint8Array, tail: Uint8Array, n: number): boolean {
  if (name.length !== head.length + n) return false;
  for (let i = 0; i < head.length; i++) if (name[i] !== head[i]) return false;
  for (let i = 0; i < n; i++) if (name[head.length + i] !== tail[i]) return false;
  return true;
}

export class GrammarMatcher {
  private states: Stack[];
  /** States before each accepted token (the stop token, if accepted, is always the last). */
  private readonly history: Stack[][] = [];
  /** Scratch of `freeString`: the states after each byte of the exit group before (emptied after each mask). */
  private readonly levels: Stack[][] = [];
  /** The witness before each accepted token. */
  private readonly witnesses: (Witness | null)[] = [];
  private stopped = false;
  private budget: number;
  /**
   * A completion of the states in at most `budget` tokens while their byte minimum exceeds the
   * budget (null when it does not: the shortest completion, byte by byte, then fits). Its first
   * token is always allowed, so a mask is never empty and the document ends within the budget.
   */
  private witness: Witness | null = null;
  /** Witnesses the last mask found for tokens the byte minimum refused (reused by `accept`). */
  private found = new Map<number, Witness>();
  private foundFor: Stack[] | null = null;
  /** The last mask's search, made when it first needs one (most masks never do). */
  private search: WitnessSearch | null = null;
  private readonly useWitnesses: boolean;
  private readonly stopSet: Set<number>;
  private readonly useStringCache: boolean;

  /** `strings`: the compiler's string classifications of this vocabulary (the mask fast paths read them). */
  constructor(
    private readonly vocab: Vocabulary,
    private readonly strings: StringCaches,
    initial: Stack,
    options: MatcherOptions = {},
  ) {
    this.states = [initial];
    this.budget = options.maxTokens ?? Infinity;
    this.stopSet = new Set(vocab.stopTokens);
    this.useStringCache = options.stringCache ?? true;
    this.useWitnesses = options.witnesses ?? true;
    // Every single byte is a token in byte-level vocabularies, so min bytes bound the tokens needed;
    // past the budget, a completion spelled in fewer tokens may still fit.
    if (initial.min > this.budget) {
      const w = this.useWitnesses && tokenWitness(vocab, this.states, this.stopSet, new WitnessSearch(START_WITNESS_WORK));
      if (!w || w.length > this.budget) throw new BudgetExceededError(w ? w.length : initial.min, this.budget);
      this.witness = w;
    }
  }

  /** Tokens accepted so far (stop token included). */
  get accepted(): number {
    return this.history.length;
  }

  /** Remaining token budget. */
  get remaining(): number {
    return this.budget;
  }

  /** Has the document ended (stop token accepted)? */
  get isTerminated(): boolean {
    return this.stopped;
  }

  /** Is the document complete, so the stop token is allowed? */
  isComplete(): boolean {
    return !this.stopped && this.states.some(isComplete);
  }

  /** Fewest bytes (hence at most that many tokens) that complete the document. */
  minBytesToComplete(): number {
    return this.stopped ? 0 : minOfStates(this.states);
  }

  /**
   * Tokens that complete the document (the stop token not counted): the shortest completion in
   * bytes, spelled in the fewest tokens of this vocabulary. A fresh matcher takes a budget of this
   * many tokens and refuses one fewer (BudgetExceededError).
   */
  minTokensToComplete(): number {
    if (this.stopped) return 0;
    if (this.witness) return this.witness.length;
    // A witness is never longer than the bytes it spells.
    const w = tokenWitness(this.vocab, this.states, this.stopSet, new WitnessSearch(START_WITNESS_WORK));
    return w ? w.length : minOfStates(this.states);
  }

  /** Sets exactly the bits of the tokens allowed next. */
  fillMask(mask: Uint32Array): void {
    mask.fill(0);
    if (this.stopped) return;
    const limit = this.budget - 1;
    if (this.found.size) this.found = new Map();
    this.foundFor = this.states;
    this.search = null;
    for (const s of this.states) {
      // The frame says which path gives its mask; each path reads the frame class it names.
      switch (this.useStringCache ? s.top.maskPath() : MaskPath.WALK) {
        case MaskPath.FREE_STRING:
          this.freeString(s, s.top as StringFrame, mask, limit);
          break;
        case MaskPath.BOUND_STRING:
          this.boundString(s, s.top as StringFrame, mask, limit);
          break;
        case MaskPath.RAW_TEXT:
          this.rawText(s, s.top as RawTextFrame, mask, limit);
          break;
        case MaskPath.ADDITIONAL_KEY:
          this.additionalKey(s, s.top as KeyFrame, mask, limit);
          break;
        case MaskPath.KEY_BOTH_WAYS:
          this.keyBothWays(s, s.top as KeyFrame, mask, limit);
          break;
        default:
          this.walk(s, mask, limit);
      }
    }
    const w = this.witness;
    if (w && w.length > 0) mask[w.token >>> 5]! |= 1 << (w.token & 31);
    if (this.isComplete()) for (const t of this.vocab.stopTokens) mask[t >>> 5]! |= 1 << (t & 31);
  }

  /**
   * May a token that leads to `after` be taken with `limit` tokens left after it? By the byte
   * minimum, else by a witness found within the mask's work (kept for `accept`).
   */
  private fits(after: readonly Stack[], t: number, limit: number): boolean {
    if (minOfStates(after) <= limit) return true;
    const w = this.maskWitness(after);
    if (!w || w.length > limit) return false;
    this.found.set(t, w);
    return true;
  }

  /** A witness from `states` within the mask's search (made on first use), or null. */
  private maskWitness(states: readonly Stack[]): Witness | null {
    if (!this.useWitnesses) return null;
    const search = (this.search ??= new WitnessSearch(MASK_WITNESS_WORK));
    return search.left > 0 ? tokenWitness(this.vocab, states, this.stopSet, search) : null;
  }

  /** The pre-order trie walk: a rejected byte skips its whole subtree. */
  private walk(start: Stack, mask: Uint32Array, limit: number): void {
    const v = this.vocab;
    const { nodeByte, nodeToken, nodeEnd, nodeDepth } = v;
    const levels: Stack[][] = [[start]];
    // Per level, the bytes its one state may take where its top frame knows them: other branches are skipped unstepped.
    const only: (Uint32Array | null)[] = [start.top.nextBytes()];
    const n = nodeEnd[0]!;
    let i = 1;
    while (i < n) {
      const d = nodeDepth[i]!;
      const b = nodeByte[i]!;
      const o = only[d - 1];
      if (o && !inByteSet(o, b)) {
        i = nodeEnd[i]!;
        continue;
      }
      const next = stepAll(levels[d - 1]!, b);
      if (next.length === 0) {
        i = nodeEnd[i]!;
        continue;
      }
      levels[d] = next;
      only[d] = next.length === 1 ? next[0]!.top.nextBytes() : null;
      const tok = nodeToken[i]!;
      if (tok >= 0 && this.fits(next, tok, limit)) {
        mask[tok >>> 5]! |= 1 << (tok & 31);
        const shared = v.sharedTokens.get(i);
        if (shared) for (const t of shared) mask[t >>> 5]! |= 1 << (t & 31);
      }
      i++;
    }
  }

  /**
   * What the finish below a string costs, for the tokens inside it: its byte minimum, or the tokens
   * of a witness from there where the bytes exceed `fits` (then a string token is let in when the
   * string's own rest, in bytes, and that witness fit; `admit` reaches the same witness through the
   * string's close, which leads to exactly `below`).
   */
  private belowCost(below: Stack, fits: number): number {
    if (below.min <= fits) return below.min;
    const w = this.maskWitness([below]);
    return w ? Math.min(below.min, w.length) : below.min;
  }

  /** Mask inside a free-text string from the cache: same result as the walk, without walking. */
  private freeString(s: Stack, f: StringFrame, mask: Uint32Array, limit: number): void {
    const e = this.strings.free.entry(f.bs);
    const below = s.below!;
    const room = f.node.maxLength - f.count;
    const need = f.node.minLength - f.count;
    const base = this.belowCost(below, limit - e.maxPending - 1 - Math.max(0, need));
    if (room >= e.maxChars && base + e.maxPending + 1 + Math.max(0, need) <= limit) {
      orInto(mask, e.insideMask);
    } else {
      const { insideIds, insideChars, insidePending } = e;
      for (let k = 0; k < insideIds.length; k++) {
        const c = insideChars[k]!;
        if (c <= room && base + insidePending[k]! + 1 + Math.max(0, need - c) <= limit) {
          const t = insideIds[k]!;
          mask[t >>> 5]! |= 1 << (t & 31);
        }
      }
    }
    if (e.closing && base <= limit) admitExits(mask, e.closing, need, room);
    // The groups are sorted by their bytes: a prefix shared with the group before is stepped once.
    const { exits } = e;
    stepSortedRuns(
      [below],
      exits.length,
      (k) => exits[k]!.rem,
      (k) => exits[k]!.shared,
      (k, states) => {
        if (states.length && minOfStates(states) <= limit) admitExits(mask, exits[k]!, need, room);
      },
      this.levels,
    );
  }

  /** Mask inside a pattern string or an object key from the cache: same result as the walk. */
  private boundString(s: Stack, f: StringFrame, mask: Uint32Array, limit: number): void {
    this.boundEntry(s, f.node, f.onClose !== null ? OBJECT_KEY : JSON_VALUE, f.count, f.auto, f.bs, s.below!.min, mask, limit);
  }

  /**
   * Tokens from the bound-string cache entry of (node, mode, automaton state, byte state): the inside
   * ones whose closing cost (`base` + the string's own) fits, then the exits stepped for real.
   */
  private boundEntry(s: Stack, node: StringNode, mode: number, count: number, auto: number, bs: number, base: number, mask: Uint32Array, limit: number): void {
    const e = this.strings.bound.entry(node.automaton, mode, auto, bs);
    const room = node.maxLength - count;
    const need = Math.max(0, node.minLength - count);
    if (room >= e.maxChars && base + e.maxOwn + need <= limit) {
      orInto(mask, e.insideMask);
    } else {
      const { insideIds, insideChars, insideBs, insideAuto } = e;
      for (let k = 0; k < insideIds.length; k++) {
        const c = insideChars[k]!;
        if (c > room) continue;
        if (base + stringOwnMin(node, count + c, insideBs[k]!, insideAuto[k]!) <= limit) {
          const t = insideIds[k]!;
          mask[t >>> 5]! |= 1 << (t & 31);
        }
      }
    }
    this.exits(s, e.exitIds, mask, limit);
  }

  /** Mask inside an additional object key (off the declared names) from the cache: same result as the walk. */
  private additionalKey(s: Stack, f: KeyFrame, mask: Uint32Array, limit: number): void {
    const e = this.strings.bound.keyEntry(f.addl);
    const base = (s.below ? s.below.min : 0) + f.additionalTail();
    if (base + e.maxPending <= limit) {
      orInto(mask, e.insideMask);
    } else {
      const { insideIds, insideBs } = e;
      for (let k = 0; k < insideIds.length; k++) {
        if (base + pendingBytes(insideBs[k]!) <= limit) {
          const t = insideIds[k]!;
          mask[t >>> 5]! |= 1 << (t & 31);
        }
      }
    }
    this.keyExits(s, f, e, mask, limit);
  }

  /**
   * Tokens that close an additional key (a thousand and more in a 150k vocabulary: stepping each
   * through the stack cost ~3 ms a mask). Once the key is closed, a token's fate depends only on the
   * bytes after its quote — unless its name repeats a declared or used one (refused: compared by
   * bytes, or decoded when it holds an escape), or its bytes reach a later key of the same object
   * (a comma past the colon: stepped for real, since names used so far matter there). So the bytes
   * after the quote are stepped from one closed-key state, each distinct run once, a dead first
   * byte ruling out its whole group.
   */
  private keyExits(s: Stack, f: KeyFrame, e: BoundStringEntry, mask: Uint32Array, limit: number): void {
    const info = this.strings.bound.keyExits(f.addl);
    // Declared and used names by byte length: a closing token is compared with those of its length.
    let taken = declaredNames.get(f.obj.node);
    if (!taken) declaredNames.set(f.obj.node, (taken = namesByLength(f.obj.node.props.map((p) => p.name))));
    if (f.obj.used.length) taken = namesByLength(f.obj.used, taken);
    // The name so far with its escapes decoded (null: it ends inside an escape, or holds a lone
    // surrogate; then every exit is stepped for real).
    const head = f.collected.includes(0x5c) ? unescapeBytes(f.collected) : f.collected;
    const one = [s];
    const mins = this.closedRestMins(f, info);
    const { closeAt, restId, flags } = info;
    for (let k = 0; k < e.exitIds.length; k++) {
      const t = e.exitIds[k]!;
      const at = closeAt[k]!;
      if (at < 0 || !head || !mins || (flags[k] !== 0 && flags[k] !== ESCAPED)) {
        const after = this.advance(one, t);
        if (after && this.fits(after, t, limit)) mask[t >>> 5]! |= 1 << (t & 31);
        continue;
      }
      // A name already declared or used: the additional reading refuses it (a declared one is the walk's).
      const unescaped = flags[k] === ESCAPED ? info.unescaped[k] : undefined;
      if (unescaped) {
        // Names compare decoded: `\u0061` is `a` (the key so far decoded too; bytes join, whole characters or not).
        if (isTaken(taken, head, unescaped, unescaped.length)) continue;
      } else if (flags[k] === ESCAPED) {
        // A lone surrogate: compared as strings, decoded (the escape is valid: the token reaches the quote).
        // Bytes joined before decoding: the key so far may end inside a UTF-8 character.
        const part = this.vocab.tokens[t]!.subarray(0, at - 1);
        const joined = new Uint8Array(f.collected.length + part.length);
        joined.set(f.collected);
        joined.set(part, f.collected.length);
        const raw = UTF8_DECODER.decode(joined);
        const name = JSON.parse(`"${raw}"`) as string;
        if (f.obj.node.props.some((p) => p.name === name) || f.obj.used.includes(name)) continue;
      } else {
        if (isTaken(taken, head, this.vocab.tokens[t]!, at - 1)) continue;
      }
      const min = mins[restId[k]!]!;
      if (min >= 0 && min <= limit) mask[t >>> 5]! |= 1 << (t & 31);
    }
  }

  /**
   * Per run of bytes that may follow the closing quote of an additional key of `f`'s object: the
   * fewest bytes to finish after it (or REFUSED), from one closed-key state. Runs that reach a later
   * key (a comma past the colon) are stepped for real elsewhere, so the names used so far do not
   * matter here, nor does the property count when the object has no property bounds: the figures
   * are kept for every key of the same object (its stack below, its node), computed once.
   */
  private closedRestMins(f: KeyFrame, info: KeyExitInfo): Float64Array | undefined {
    const { node } = f.obj;
    // With patternProperties what may follow a key depends on its name: every exit is stepped for real.
    if (node.patterns) return undefined;
    const count = node.minProps === 0 && node.maxProps === Infinity ? -1 : f.obj.count;
    let byNode = closedRests.get(f.objBelow);
    if (!byNode) closedRests.set(f.objBelow, (byNode = new WeakMap()));
    let byKey = byNode.get(node);
    if (!byKey) byNode.set(node, (byKey = new Map()));
    const key = `${f.addl}|${count}|${f.obj.depth}`;
    let mins = byKey.get(key);
    if (!mins) {
      const closed = f.obj.afterAdditional(UTF8_ENCODER.encode(unusedName(f)), f.objBelow);
      if (!closed) return undefined;
      byKey.set(key, (mins = restMins(closed, info)));
    }
    return mins;
  }

  /**
   * A key that may still become a declared name or an additional one: the two readings never
   * meet (a closing quote goes to the declared name when the trie ends there, else to the
   * additional one, which refuses declared names), so the allowed tokens are those of each reading
   * alone — the additional one from the cache, the declared one by a walk the trie prunes to a
   * few prefixes. Walking both together visited the whole vocabulary (55 ms a mask at 152k).
   */
  private keyBothWays(s: Stack, f: KeyFrame, mask: Uint32Array, limit: number): void {
    const additional = new Stack(new KeyFrame(f.obj, f.objBelow, f.trie, -1, f.addl, f.collected), s.below);
    this.additionalKey(additional, additional.top as KeyFrame, mask, limit);
    this.walk(new Stack(new KeyFrame(f.obj, f.objBelow, f.trie, f.trieNode, -1, f.collected), s.below), mask, limit);
  }

  /** Mask inside raw text (XML values, free or with a pattern) from the cache: same result as the walk. */
  private rawText(s: Stack, f: RawTextFrame, mask: Uint32Array, limit: number): void {
    const { node, content } = f;
    // stringOwnMin counts a closing quote; raw text closes with the terminator instead.
    this.boundEntry(s, node, f.end[0]!, content.count, content.auto, content.bs, s.below!.min + f.end.length - 1, mask, limit);
  }

  /** Tokens that leave a string, stepped through the real stack (their fate depends on what follows). */
  private exits(s: Stack, ids: Int32Array, mask: Uint32Array, limit: number): void {
    const one = [s];
    for (const t of ids) {
      const after = this.advance(one, t);
      if (after && this.fits(after, t, limit)) mask[t >>> 5]! |= 1 << (t & 31);
    }
  }

  /** States after the bytes of `token`, or null when it is not allowed. */
  private advance(states: readonly Stack[], token: number): Stack[] | null {
    const bytes = this.vocab.tokens[token];
    if (!bytes || bytes.length === 0) return null;
    let cur: Stack[] = states as Stack[];
    for (const b of bytes) {
      cur = stepAll(cur, b);
      if (cur.length === 0) return null;
    }
    return cur;
  }

  /** Accepts a token the mask allowed; throws TokenRejectedError otherwise. */
  accept(token: number): void {
    if (!this.tryAccept(token)) throw new TokenRejectedError(token);
  }

  /**
   * Accepts `token` when the mask would allow it and returns true; else returns false and changes
   * nothing. A decode loop can test the model's own choice this way before filling any mask.
   *
   * @example
   * ```ts
   * import { compileGrammar, Vocabulary } from 'toolplan';
   *
   * const vocab = new Vocabulary({ tokens: [...Array.from({ length: 256 }, (_, b) => Uint8Array.of(b)), null], size: 257, stopTokens: [256] });
   * const m = compileGrammar({ type: 'boolean' }, vocab).matcher();
   * console.log(m.tryAccept('x'.charCodeAt(0)), m.tryAccept('t'.charCodeAt(0))); // false true
   * ```
   */
  tryAccept(token: number): boolean {
    if (this.stopped) return false;
    if (this.stopSet.has(token)) {
      if (!this.isComplete()) return false;
      this.history.push(this.states);
      this.stopped = true;
      return true;
    }
    return this.take(this.admit(this.states, this.witness, this.budget, token));
  }

  /**
   * `tryAccept` without a search: takes `token` only when the next mask surely allows it (its byte
   * minimum fits the budget, or it is the witness's next token) and returns false otherwise — also
   * for some tokens `accept` would take under a tight budget, where the mask's search may stop short.
   * A greedy decode loop tries the model's choice with it: when it is taken, the mask's argmax is
   * that token too, and no mask is filled.
   */
  tryAcceptQuick(token: number): boolean {
    if (this.stopped) return false;
    if (this.stopSet.has(token)) return this.tryAccept(token);
    return this.take(this.admit(this.states, this.witness, this.budget, token, false));
  }

  /** Moves to `taken` (a non-stop token `admit` let in) and returns true; false for null. */
  private take(taken: { states: Stack[]; witness: Witness | null } | null): boolean {
    if (!taken) return false;
    this.history.push(this.states);
    this.witnesses.push(this.witness);
    this.states = taken.states;
    this.witness = taken.witness;
    this.budget -= 1;
    return true;
  }

  /**
   * The states and witness after `token` from `states` with `budget` tokens left, or null when the
   * grammar refuses it or nothing completes within `budget - 1` tokens after it. `search: false`:
   * also null where only a fresh witness search could tell (the two rules before it are the mask's too).
   */
  private admit(states: Stack[], witness: Witness | null, budget: number, token: number, search = true): { states: Stack[]; witness: Witness | null } | null {
    const next = this.advance(states, token);
    if (!next) return null;
    if (minOfStates(next) <= budget - 1) return { states: next, witness: null };
    // The rest of a witness is a witness of the state its first token reaches.
    if (witness && witness.token === token) return { states: next, witness: witness.rest };
    if (!search) return null;
    // A fresh search from the mask's witnesses: a string token the mask let in on the witness below
    // its string reaches that witness again, through the string's close.
    const mine = states === this.foundFor;
    const w = (mine ? this.found.get(token) : undefined) ?? tokenWitness(this.vocab, next, this.stopSet, new WitnessSearch(START_WITNESS_WORK, mine ? this.search?.known : undefined));
    return w && w.length <= budget - 1 ? { states: next, witness: w } : null;
  }

  /** Undoes the last `n` accepted tokens. */
  rollback(n: number): void {
    if (n < 0 || n > this.history.length) throw new RangeError(`cannot roll back ${n} of ${this.history.length} tokens`);
    for (let k = 0; k < n; k++) {
      if (this.stopped) this.stopped = false;
      else {
        this.budget += 1;
        this.witness = this.witnesses.pop()!;
      }
      this.states = this.history.pop()!;
    }
  }

  /** The forced run from here: its bytes and the states after them. */
  private forcedRun(limit: number): { bytes: Uint8Array; after: Stack[] } {
    const out: number[] = [];
    let cur = this.states;
    while (!this.stopped && out.length < limit && !cur.some(isComplete)) {
      let only = -1;
      let onlyStates: Stack[] = [];
      const o = cur.length === 1 ? cur[0]!.top.nextBytes() : null;
      for (let b = 0; b < 256; b++) {
        if (o && !inByteSet(o, b)) continue;
        const next = stepAll(cur, b);
        if (next.length === 0) continue;
        if (only >= 0) return { bytes: Uint8Array.from(out), after: cur };
        only = b;
        onlyStates = next;
      }
      if (only < 0) break;
      out.push(only);
      cur = onlyStates;
    }
    return { bytes: Uint8Array.from(out), after: cur };
  }

  /**
   * Bytes the grammar leaves no choice about from here (e.g. `","tool":"` between values).
   * Stops where the document could end or where two bytes are possible.
   */
  forcedBytes(limit = 256): Uint8Array {
    return this.forcedRun(limit).bytes;
  }

  /**
   * Jump-forward: the tokens for the forced bytes, to feed in one forward pass. The token covering
   * the end of the forced run is held back when the document goes on and a longer token starting
   * with it is allowed there (the model may want to merge it with what it writes next, e.g. `":`
   * + `"` of a string value); when no such token is allowed (`":` before a number), it is forced too.
   */
  forcedTokens(): number[] {
    const { bytes, after } = this.forcedRun(256);
    if (bytes.length === 0) return [];
    const tokens = this.vocab.tokenize(bytes);
    const ends = after.some(isComplete);
    // Only hand out tokens the matcher itself accepts, in order, within the budget.
    let cur: Stack[] = this.states;
    let witness = this.witness;
    const out: number[] = [];
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      const taken = this.admit(cur, witness, this.budget - i, t);
      if (!taken) break;
      if (i === tokens.length - 1 && !ends && this.longerAllowed(taken.states, t)) break;
      out.push(t);
      cur = taken.states;
      witness = taken.witness;
    }
    return out;
  }

  /** Is some token longer than `t` and starting with its bytes allowed? `start`: the states after `t`. */
  private longerAllowed(start: Stack[], t: number): boolean {
    const v = this.vocab;
    const { nodeByte, nodeToken, nodeEnd, nodeDepth } = v;
    const bytes = v.tokens[t]!;
    // The trie node of t's bytes: children of node i lie in (i, nodeEnd[i]), each subtree skipped whole.
    let node = 0;
    for (const b of bytes) {
      let j = node + 1;
      while (j < nodeEnd[node]! && nodeByte[j] !== b) j = nodeEnd[j]!;
      if (j >= nodeEnd[node]!) return false;
      node = j;
    }
    // A walk of that subtree only, as in `walk`.
    const base = nodeDepth[node]!;
    const levels: Stack[][] = [start];
    for (let i = node + 1; i < nodeEnd[node]!; ) {
      const d = nodeDepth[i]! - base;
      const next = stepAll(levels[d - 1]!, nodeByte[i]!);
      if (next.length === 0) {
        i = nodeEnd[i]!;
        continue;
      }
      if (nodeToken[i]! >= 0 || v.sharedTokens.has(i)) return true;
      levels[d] = next;
      i++;
    }
    return false;
  }
}
