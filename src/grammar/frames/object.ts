/**
 * A JSON object. Declared properties come in declared order (optional ones may be skipped, required
 * ones may not); keys outside them follow when additionalProperties allows, never equal to a
 * declared name or to each other. For a discriminated union the frame parses the shared prefix on
 * branch 0 and switches to the chosen branch when the discriminator's value closes.
 */
import { additionalPropBytes, extraPropsBytes, undeclaredValueBytes } from '../schema/min-bytes.ts';
import type { DiscriminatedNode, Node, ObjectNode, PropSpec } from '../schema/nodes.ts';
import { appendByte, NORMAL, pendingBytes, stringStep } from './string-bytes.ts';
import { byteSet, Frame, LiteralFrame, LiteralTrie, MaskPath, minOf, Stack, ws, WsFrame, type GrammarContext, type Next } from './stack.ts';
import { pushValue } from './value.ts';

const enum P {
  Open,
  KeyRequired,
  Colon,
  After,
}

/** Declared-key tries per (object node, first candidate index). */
const keyTries = new WeakMap<ObjectNode, (LiteralTrie | null)[]>();
/** Discriminator value tries and the cheapest branch tail, per discriminated node. */
const discInfo = new WeakMap<DiscriminatedNode, { trie: LiteralTrie; tail: number }>();
const QUOTE = 0x22;

/** Key tries of objects with dependentRequired, by (node, next, forced, emitted). */
const depKeyTries = new WeakMap<ObjectNode, Map<string, LiteralTrie | null>>();

/**
 * The keys that may come next from property `next`: declared ones up to the first required one
 * (required by the schema, or `forced` by a dependency); with dependencies, no trigger whose
 * earlier dependents are not out yet (in `emitted`) and none whose dependents cannot be written.
 */
function keyTrie(node: ObjectNode, next: number, forced = 0, emitted = 0): LiteralTrie | null {
  const deps = node.deps;
  if (deps) {
    let byState = depKeyTries.get(node);
    if (!byState) depKeyTries.set(node, (byState = new Map()));
    const key = `${next}|${forced}|${emitted}`;
    let trie = byState.get(key);
    if (trie === undefined) {
      const entries: { bytes: Uint8Array; payload: number }[] = [];
      for (let j = next; j < node.props.length; j++) {
        const p = node.props[j]!;
        const ok = (emitted & deps.before[j]!) === deps.before[j]! && minOf(p.node.get()) !== Infinity && dependentsWritable(node, j);
        if (ok) entries.push({ bytes: p.key.subarray(1), payload: j });
        if (p.required || forced & deps.bit[j]!) break;
      }
      byState.set(key, (trie = entries.length ? new LiteralTrie(entries) : null));
    }
    return trie;
  }
  let list = keyTries.get(node);
  if (!list) keyTries.set(node, (list = []));
  if (list[next] === undefined) {
    const entries: { bytes: Uint8Array; payload: number }[] = [];
    for (let j = next; j < node.props.length; j++) {
      const p = node.props[j]!;
      // Key bytes after the opening quote: the name and the closing quote.
      if (minOf(p.node.get()) !== Infinity) entries.push({ bytes: p.key.subarray(1), payload: j });
      if (p.required) break;
    }
    list[next] = entries.length ? new LiteralTrie(entries) : null;
  }
  return list[next]!;
}

/** Bytes of `,"name":` and the property's shortest value. */
const propCost = (p: PropSpec): number => 1 + p.key.length + 1 + minOf(p.node.get());

/** Can every dependent that trigger `j` requires hold a value? */
function dependentsWritable(node: ObjectNode, j: number): boolean {
  const d = node.deps!;
  if (!d.needs[j]) return true;
  for (let i = 0; i < node.props.length; i++) if (d.needs[j]! & d.bit[i]! && minOf(node.props[i]!.node.get()) === Infinity) return false;
  return true;
}

/** The branch each discriminated node is parsed on before its discriminator. */
const prefixBranches = new WeakMap<DiscriminatedNode, ObjectNode>();

/**
 * The branch a discriminated object is parsed on until its discriminator picks one: the first that
 * can complete. Every branch has the same prefix, but not the same counts and tail: an
 * unsatisfiable branch (an allOf part's `additionalProperties: false` ruling out a property its
 * `anyOf` branch requires, a `maxProperties` below the prefix) would refuse the discriminator's
 * key or leave the shortest completion NaN, so the budget and the string masks refused everything.
 */
export function prefixBranch(d: DiscriminatedNode): ObjectNode {
  let b = prefixBranches.get(d);
  if (!b) prefixBranches.set(d, (b = d.branches.find((x) => minOf(x) !== Infinity) ?? d.branches[0]!));
  return b;
}

export class ObjectFrame extends Frame {
  constructor(
    readonly ctx: GrammarContext,
    readonly node: ObjectNode,
    /** Set while a discriminated union has not seen its discriminator yet. */
    readonly disc: DiscriminatedNode | null,
    readonly phase: P,
    /** First declared property that may still come. */
    readonly next: number,
    readonly count: number,
    /** Property whose value follows the colon (Colon phase); -1 for an additional key. */
    readonly prop: number,
    /** Additional keys used so far (raw bytes as strings). */
    readonly used: readonly string[],
    readonly depth: number,
    /** Properties out so far among those dependentRequired involves (bits of ObjectDeps). */
    readonly emitted = 0,
  ) {
    super();
  }

  static open(ctx: GrammarContext, node: ObjectNode, disc: DiscriminatedNode | null, depth: number): ObjectFrame {
    return new ObjectFrame(ctx, node, disc, P.Open, 0, 0, -1, [], depth);
  }

  private with(phase: P, next: number, count: number, prop: number, used = this.used, node = this.node, disc = this.disc, emitted = this.emitted): ObjectFrame {
    return new ObjectFrame(this.ctx, node, disc, phase, next, count, prop, used, this.depth, emitted);
  }

  /** Bits of the properties the emitted ones require (dependentRequired). */
  private forced(emitted = this.emitted): number {
    return this.node.deps ? this.node.deps.forced(emitted) : 0;
  }

  /** Must property j come (from the schema's required, or a dependency of one already out)? */
  private mustCome(j: number, forced: number): boolean {
    return this.node.props[j]!.required || (forced !== 0 && (forced & this.node.deps!.bit[j]!) !== 0);
  }

  /** The emitted bits once property j (-1: an additional key) is out. */
  private emittedWith(j: number): number {
    return j >= 0 && this.node.deps ? this.emitted | this.node.deps.bit[j]! : this.emitted;
  }

  private anyRequiredFrom(next: number): boolean {
    const forced = this.forced();
    for (let j = next; j < this.node.props.length; j++) if (this.mustCome(j, forced)) return true;
    return false;
  }

  private discPending(i: number): boolean {
    return this.disc !== null && i <= this.disc.discIndex;
  }

  private additionalAllowed(next: number, count: number): boolean {
    if (!this.node.additional || this.discPending(next) || count >= this.node.maxProps || undeclaredMin(this.node) === Infinity) return false;
    return !this.anyRequiredFrom(next);
  }

  private trie(next: number): LiteralTrie | null {
    return keyTrie(this.node, next, this.forced(), this.emitted);
  }

  private keysAvailable(next: number, count: number): boolean {
    return count < this.node.maxProps && (this.trie(next) !== null || this.additionalAllowed(next, count));
  }

  private canClose(next: number, count: number): boolean {
    if (this.discPending(next) || count < this.node.minProps) return false;
    return !this.anyRequiredFrom(next);
  }

  override nextBytes(): Uint32Array {
    // Whitespace is a frame of its own: the object frame takes only its punctuation.
    return OBJECT_BYTES[this.phase]!;
  }

  step(b: number, self: Stack): Next {
    const below = self.below!;
    switch (this.phase) {
      case P.Open:
      case P.After:
        if (b === 0x7d) return this.canClose(this.next, this.count) ? below : null;
        if (this.phase === P.Open) return b === QUOTE ? this.startKey(below) : null;
        if (b === 0x2c && this.keysAvailable(this.next, this.count)) {
          return ws(this.ctx, new Stack(this.with(P.KeyRequired, this.next, this.count, -1), below), this.depth + 1);
        }
        return null;
      case P.KeyRequired:
        return b === QUOTE ? this.startKey(below) : null;
      case P.Colon:
        return b === 0x3a ? this.value(below) : null;
    }
  }

  private startKey(below: Stack): Stack | null {
    if (!this.keysAvailable(this.next, this.count)) return null;
    const trie = this.trie(this.next);
    const addl = this.additionalAllowed(this.next, this.count) ? NORMAL : -1;
    return new Stack(new KeyFrame(this, below, trie, trie ? 0 : -1, addl, NO_BYTES), below);
  }

  /** After the key of declared property j (closing quote consumed). */
  afterKey(j: number, below: Stack): Stack {
    return ws(this.ctx, new Stack(this.with(P.Colon, this.next, this.count, j), below), this.depth + 1);
  }

  /** After an additional key; null when it repeats a declared or used name. */
  afterAdditional(key: Uint8Array, below: Stack): Stack | null {
    // The raw bytes between the quotes, escapes and all: compared decoded, as JSON reads them. (This
    // runs for every key-closing token of every mask: no parse without a backslash.)
    const raw = UTF8.decode(key);
    const name = key.includes(0x5c) ? (JSON.parse(`"${raw}"`) as string) : raw;
    // Loops, not closures: this runs for every key-closing token tried.
    const props = this.node.props;
    for (let i = 0; i < props.length; i++) if (props[i]!.name === name) return null;
    if (this.used.includes(name)) return null;
    return ws(this.ctx, new Stack(this.with(P.Colon, this.node.props.length, this.count, -1, [...this.used, name]), below), this.depth + 1);
  }

  private value(below: Stack): Stack {
    const j = this.prop;
    const next = j < 0 ? this.node.props.length : j + 1;
    const emitted = this.emittedWith(j);
    const after = ws(this.ctx, new Stack(this.with(P.After, next, this.count + 1, -1, this.used, this.node, this.disc, emitted), below), this.depth + 1);
    if (this.disc && j === this.disc.discIndex) {
      const info = this.discInfo();
      const switchBranch = (branch: number, s: Stack): Stack => {
        if (s.top instanceof WsFrame) return new Stack(s.top, switchBranch(branch, s.below!));
        const f = s.top as ObjectFrame;
        return new Stack(f.with(f.phase, f.next, f.count, f.prop, f.used, this.disc!.branches[branch]!, null), s.below);
      };
      return ws(this.ctx, new Stack(new LiteralFrame(info.trie, 0, (branch, s) => switchBranch(branch, s)), after), this.depth + 1);
    }
    const node: Node = j < 0 ? this.node.valueFor(this.used[this.used.length - 1]!)! : this.node.props[j]!.node.get();
    return pushValue(this.ctx, node, after, this.depth + 1);
  }

  private discInfo(): { trie: LiteralTrie; tail: number } {
    const d = this.disc!;
    let info = discInfo.get(d);
    if (!info) {
      const at = d.discIndex + 1;
      const tails = d.branches.map((b) => this.with(P.After, at, at, -1, [], b, null).rest(at, at, true, false));
      // The stack below the value already counts the tail of the branch parsed so far (prefixBranch:
      // finite unless none can complete); each value adds its own difference, Infinity for a branch
      // that cannot complete (never Infinity - Infinity).
      const base = tails[d.branches.indexOf(this.node)]!;
      const extra = (t: number) => (t === Infinity ? Infinity : t - base);
      const trie = new LiteralTrie(d.values.map((v) => ({ bytes: v.bytes, payload: v.branch, extra: extra(tails[v.branch]!) })));
      info = { trie, tail: trie.restFrom(0) + base };
      discInfo.set(d, info);
    }
    return info;
  }

  /**
   * Fewest bytes to close the object from property `i` with `count` properties so far, including
   * the closing brace. `comma`: the next property needs a leading comma; `needOne`: one must come.
   */
  rest(i: number, count: number, comma: boolean, needOne: boolean, emitted = this.emitted): number {
    const props = this.node.props;
    const forced = this.forced(emitted);
    let total = 0;
    let added = 0;
    if (this.discPending(i)) {
      const d = this.disc!;
      for (let j = i; j < d.discIndex; j++) total += 1 + props[j]!.key.length + 1 + minOf(props[j]!.node.get());
      total += 1 + props[d.discIndex]!.key.length + 1 + this.discInfo().tail;
      return comma ? total : total - 1;
    }
    for (let j = i; j < props.length; j++) {
      if (this.mustCome(j, forced)) {
        total += propCost(props[j]!);
        added++;
      }
    }
    const needed = Math.max(this.node.minProps - count - added, needOne && added === 0 ? 1 : 0);
    if (count + added + needed > this.node.maxProps) return Infinity;
    if (needed === 1) {
      // The cheapest optional property or an additional one (after a comma, one key must come): no list.
      let best = additionalPropBytes(this.node, minOf);
      for (let j = i; j < props.length; j++) best = Math.min(best, this.optionalCost(j, forced, emitted));
      total += best;
      added += 1;
    } else if (needed > 1) {
      const optional: number[] = [];
      for (let j = i; j < props.length; j++) {
        const c = this.optionalCost(j, forced, emitted);
        if (c !== Infinity) optional.push(c);
      }
      optional.sort(ascending);
      total += extraPropsBytes(optional, additionalPropBytes(this.node, minOf), needed);
      added += needed;
    }
    if (added > 0 && !comma) total -= 1;
    return total + 1;
  }

  /** Bytes of optional property j as one of the properties still needed (Infinity: it cannot be one now). */
  private optionalCost(j: number, forced: number, emitted: number): number {
    if (this.mustCome(j, forced)) return Infinity;
    const props = this.node.props;
    const deps = this.node.deps;
    let c = propCost(props[j]!);
    if (deps && deps.needs[j]) {
      // An optional trigger brings its dependents still to come (an upper bound if they overlap).
      if ((emitted & deps.before[j]!) !== deps.before[j]!) return Infinity;
      for (let k = j + 1; k < props.length; k++) if (deps.needs[j]! & deps.bit[k]! && !this.mustCome(k, forced)) c += propCost(props[k]!);
    }
    return c;
  }

  /**
   * Fewest bytes from the colon of property j, or of an additional key: `name` when it is written,
   * else a bound over every schema its value may take (patternProperties: by the name to come).
   */
  afterColon(j: number, count: number, name?: string): number {
    if (this.disc && j === this.disc.discIndex) return 1 + this.discInfo().tail;
    const value = j >= 0 ? minOf(this.node.props[j]!.node.get()) : undeclaredMin(this.node, name);
    if (value === Infinity) return Infinity;
    const emitted = this.emittedWith(j);
    return 1 + value + this.rest(j < 0 ? this.node.props.length : j + 1, count + 1, true, false, emitted);
  }

  ownMin(): number {
    switch (this.phase) {
      case P.Open:
        return this.rest(0, 0, false, false);
      case P.KeyRequired:
        return this.rest(this.next, this.count, false, true);
      case P.After:
        return this.rest(this.next, this.count, true, false);
      case P.Colon:
        return this.afterColon(this.prop, this.count, this.prop < 0 ? this.used[this.used.length - 1] : undefined);
    }
  }
}

const UTF8 = new TextDecoder();
/** The bytes an object frame may take, by phase (see ObjectFrame.step). */
const OBJECT_BYTES: Record<number, Uint32Array> = {
  [P.Open]: byteSet(0x7d, QUOTE),
  [P.After]: byteSet(0x7d, 0x2c),
  [P.KeyRequired]: byteSet(QUOTE),
  [P.Colon]: byteSet(0x3a),
};
const ascending = (a: number, b: number) => a - b;
/** The bytes of a key not begun (shared: they are never written to). */
const NO_BYTES = new Uint8Array(0);

/** Fewest bytes of the value of undeclared key `name`, or before it is written (see undeclaredValueBytes). */
function undeclaredMin(node: ObjectNode, name?: string): number {
  if (name === undefined) return undeclaredValueBytes(node, minOf);
  const v = node.valueFor(name);
  return v ? minOf(v) : Infinity;
}

/**
 * Inside a key: follows the declared-key trie and, where allowed, an additional key in parallel,
 * until the closing quote decides which it was.
 */
export class KeyFrame extends Frame {
  constructor(
    readonly obj: ObjectFrame,
    readonly objBelow: Stack,
    readonly trie: LiteralTrie | null,
    readonly trieNode: number,
    /** Byte state of the additional-key reading, -1 when that reading is dead or not allowed. */
    readonly addl: number,
    readonly collected: Uint8Array,
  ) {
    super();
  }

  step(b: number, self: Stack): Next {
    const t = this.trie && this.trieNode >= 0 ? this.trie.child(this.trieNode, b) : -1;
    if (t >= 0 && this.trie!.isTerminal(t)) return this.obj.afterKey(this.trie!.payload[t]!, this.objBelow);
    let a = -1;
    if (this.addl >= 0) {
      if (b === QUOTE && this.addl === NORMAL) return t < 0 ? this.obj.afterAdditional(this.collected, this.objBelow) : null;
      a = Math.max(-1, stringStep(this.addl, b));
    }
    if (t < 0 && a < 0) return null;
    // The bytes are kept for the additional reading only (its name is compared and recorded at the close).
    return new Stack(new KeyFrame(this.obj, this.objBelow, this.trie, t, a, a < 0 ? NO_BYTES : appendByte(this.collected, b)), self.below);
  }

  override nextBytes(): Uint32Array | null {
    // A declared name only: the bytes of its trie node's children (a terminal is never a key frame's node).
    return this.addl < 0 && this.trie && this.trieNode >= 0 ? this.trie.childBytes(this.trieNode) : null;
  }

  override maskPath(): MaskPath {
    if (this.addl < 0) return MaskPath.WALK;
    return this.trieNode < 0 ? MaskPath.ADDITIONAL_KEY : MaskPath.KEY_BOTH_WAYS;
  }

  ownMin(): number {
    let best = Infinity;
    if (this.trie && this.trieNode >= 0) {
      // Cheapest declared key still reachable from here.
      const below = this.trie.terminalsBelow(this.trieNode);
      const d0 = this.trie.depthOf(this.trieNode);
      for (let i = 0; i < below.length; i += 2) best = Math.min(best, below[i + 1]! - d0 + this.obj.afterColon(below[i]!, this.obj.count));
    }
    if (this.addl >= 0) best = Math.min(best, pendingBytes(this.addl) + this.additionalTail());
    return best;
  }

  /** After the additional key's pending bytes: up to 4 characters to make the name unused, close, colon, value. */
  additionalTail(): number {
    return 4 + 1 + this.obj.afterColon(-1, this.obj.count);
  }
}
