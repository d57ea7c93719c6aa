/**
 * Parser state as a persistent stack of immutable frames. Stepping a byte never mutates: it returns
 * new stacks that share their tails, so the mask walk can branch per trie node for free and a
 * rollback is just keeping an old pointer.
 */
import { minBytesOf } from '../schema/min-bytes.ts';
import type { LiteralNode, Node } from '../schema/nodes.ts';

/** Per compiled grammar: options and caches shared by its frames. */
export interface GrammarContext {
  /** Allow bounded whitespace between tokens (else compact JSON only). */
  readonly flexible: boolean;
  readonly literalTries: WeakMap<object, LiteralTrie>;
}

/** Result of stepping one byte: one stack, several (ambiguous unions), or none (rejected). */
export type Next = Stack | Stack[] | null;

/**
 * How the matcher fills a mask when a frame is on top: a walk of the vocabulary trie, or one of the
 * fast paths that read the compiler's string caches (each gives the walk's result without walking).
 */
export const MaskPath = {
  WALK: 0,
  /** Inside a string value without pattern or format (StringFrame). */
  FREE_STRING: 1,
  /** Inside a string value with a pattern, format or bounds, or a declared-only key (StringFrame). */
  BOUND_STRING: 2,
  /** At the start of raw text up to its terminator (RawTextFrame). */
  RAW_TEXT: 3,
  /** Inside an additional key, off the declared names (KeyFrame). */
  ADDITIONAL_KEY: 4,
  /** Inside a key that may still be declared or additional (KeyFrame). */
  KEY_BOTH_WAYS: 5,
} as const;
export type MaskPath = (typeof MaskPath)[keyof typeof MaskPath];

export abstract class Frame {
  /** Consume byte `b`; `self` is the stack whose top is this frame. */
  abstract step(b: number, self: Stack): Next;
  /** The mask path for this frame in its current state (default: the trie walk). */
  maskPath(): MaskPath {
    return MaskPath.WALK;
  }
  /** Fewest bytes to complete this frame from its current state. */
  abstract ownMin(): number;
  /** May the frame end here without another byte (numbers, whitespace, literal prefixes)? */
  canEnd(): boolean {
    return false;
  }
  /**
   * Every byte `step` may accept, as a 256-bit set, where the frame alone decides it (null: not
   * known without stepping). The mask walk skips the vocabulary's other branches without a step.
   */
  nextBytes(): Uint32Array | null {
    return null;
  }
}

export class Stack {
  /** Fewest bytes to complete the whole document from here. */
  readonly min: number;
  constructor(
    readonly top: Frame,
    readonly below: Stack | null,
  ) {
    this.min = top.ownMin() + (below ? below.min : 0);
  }
}

class DoneFrame extends Frame {
  step(): Next {
    return null;
  }
  ownMin(): number {
    return 0;
  }
}

/** The bottom of every stack: the document is complete. */
export const DONE = new Stack(new DoneFrame(), null);

export function isComplete(s: Stack): boolean {
  for (let cur: Stack | null = s; cur; cur = cur.below) {
    if (cur === DONE) return true;
    if (!cur.top.canEnd()) return false;
  }
  return false;
}

/** A 256-bit byte set of `bytes` (for `Frame.nextBytes`). */
export function byteSet(...bytes: number[]): Uint32Array {
  const out = new Uint32Array(8);
  for (const b of bytes) out[b >>> 5]! |= 1 << (b & 31);
  return out;
}

/** Is byte `b` in the 256-bit set `set`? */
export function inByteSet(set: Uint32Array, b: number): boolean {
  return (set[b >>> 5]! & (1 << (b & 31))) !== 0;
}

/** Steps a stack by one byte. */
export function stepStack(s: Stack, b: number): Next {
  return s.top.step(b, s);
}

/** Adds a step result to `out`, dropping stacks that can no longer complete. */
export function collect(out: Stack[], r: Next): void {
  if (r === null) return;
  if (Array.isArray(r)) {
    for (const s of r) if (s.min !== Infinity) out.push(s);
  } else if (r.min !== Infinity) out.push(r);
}

export function minOf(node: Node): number {
  return node.min ?? minBytesOf(node);
}

/**
 * A byte trie of literal alternatives (enum values, keys). Each terminal carries a payload (the
 * value's branch, the key's property index).
 */
export class LiteralTrie {
  readonly payload: number[] = [-1];
  /** Fewest bytes from a node to a terminal, with each terminal's extra cost added. */
  private readonly rest: number[];
  /**
   * Edges in flat arrays, each node's sorted by byte (`first[n]` to `first[n + 1]`): a Map per node
   * was most of what a compiled grammar kept on the heap (key tries are made per object and position).
   */
  private readonly first: Int32Array;
  private readonly edgeByte: Uint8Array;
  private readonly edgeChild: Int32Array;

  constructor(entries: readonly { bytes: Uint8Array; payload: number; extra?: number }[]) {
    const children: Map<number, number>[] = [new Map()];
    const terminalCost: number[] = [Infinity];
    for (const { bytes, payload, extra = 0 } of entries) {
      let n = 0;
      for (const b of bytes) {
        let c = children[n]!.get(b);
        if (c === undefined) {
          c = children.length;
          children.push(new Map());
          this.payload.push(-1);
          terminalCost.push(Infinity);
          children[n]!.set(b, c);
        }
        n = c;
      }
      if (this.payload[n] === -1 || extra < terminalCost[n]!) {
        this.payload[n] = payload;
        terminalCost[n] = extra;
      }
    }
    const nodes = children.length;
    this.first = new Int32Array(nodes + 1);
    this.edgeByte = new Uint8Array(nodes - 1);
    this.edgeChild = new Int32Array(nodes - 1);
    let e = 0;
    for (let n = 0; n < nodes; n++) {
      this.first[n] = e;
      for (const [b, c] of [...children[n]!].sort((x, y) => x[0] - y[0])) {
        this.edgeByte[e] = b;
        this.edgeChild[e++] = c;
      }
    }
    this.first[nodes] = e;
    // Children always have larger ids than their parent, so one backward pass settles `rest`.
    this.rest = terminalCost.slice();
    for (let n = nodes - 1; n >= 0; n--) {
      for (let k = this.first[n]!; k < this.first[n + 1]!; k++) this.rest[n] = Math.min(this.rest[n]!, this.rest[this.edgeChild[k]!]! + 1);
    }
  }

  /** Nodes in the trie (the root is 0). */
  get size(): number {
    return this.payload.length;
  }

  child(n: number, b: number): number {
    let lo = this.first[n]!;
    let hi = this.first[n + 1]!;
    const bytes = this.edgeByte;
    if (hi - lo <= 8) {
      for (; lo < hi; lo++) if (bytes[lo] === b) return this.edgeChild[lo]!;
      return -1;
    }
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const m = bytes[mid]!;
      if (m === b) return this.edgeChild[mid]!;
      if (m < b) lo = mid + 1;
      else hi = mid;
    }
    return -1;
  }
  isTerminal(n: number): boolean {
    return this.payload[n] !== -1;
  }
  isLeaf(n: number): boolean {
    return this.first[n] === this.first[n + 1];
  }
  restFrom(n: number): number {
    return this.rest[n]!;
  }

  private bytesAt: (Uint32Array | undefined)[] = [];
  /**
   * The bytes of node `n`'s children as a 256-bit set, built on first use; a node with one child
   * (most of a name) shares a constant one-byte set: every set kept is a heap object per grammar.
   */
  childBytes(n: number): Uint32Array {
    const lo = this.first[n]!;
    const hi = this.first[n + 1]!;
    if (hi - lo === 1) return ONE_BYTE[this.edgeByte[lo]!]!;
    let out = this.bytesAt[n];
    if (!out) {
      out = new Uint32Array(8);
      for (let k = lo; k < hi; k++) out[this.edgeByte[k]! >>> 5]! |= 1 << (this.edgeByte[k]! & 31);
      this.bytesAt[n] = out;
    }
    return out;
  }

  private below: (Int32Array | undefined)[] = [];
  private depth: Int32Array | undefined;
  /** Bytes from the root to node `n`. */
  depthOf(n: number): number {
    if (!this.depth) {
      // Children have larger ids than their parent: one forward pass.
      const depth = new Int32Array(this.size);
      for (let m = 0; m < this.size; m++) for (let k = this.first[m]!; k < this.first[m + 1]!; k++) depth[this.edgeChild[k]!] = depth[m]! + 1;
      this.depth = depth;
    }
    return this.depth[n]!;
  }
  /**
   * The terminals under node `n` (or `n` itself) as (payload, depth from the root) pairs, built on
   * first use: a key frame's minimum reads them on every byte of a key, where a search of the
   * subtree allocated. A node with one child shares its child's list (the same terminals).
   */
  terminalsBelow(n: number): Int32Array {
    let out = this.below[n];
    if (out) return out;
    const lo = this.first[n]!;
    const hi = this.first[n + 1]!;
    const terminal = this.payload[n] !== -1;
    if (terminal && hi === lo) out = Int32Array.of(this.payload[n]!, this.depthOf(n));
    else if (!terminal && hi - lo === 1) out = this.terminalsBelow(this.edgeChild[lo]!);
    else {
      const pairs: number[] = terminal ? [this.payload[n]!, this.depthOf(n)] : [];
      // A loop, not a spread: the root of a large key trie lists thousands of terminals.
      for (let k = lo; k < hi; k++) for (const x of this.terminalsBelow(this.edgeChild[k]!)) pairs.push(x);
      out = Int32Array.from(pairs);
    }
    this.below[n] = out;
    return out;
  }
}

/** One-byte sets, shared by every trie node with a single child. */
const ONE_BYTE: Uint32Array[] = Array.from({ length: 256 }, (_, b) => byteSet(b));

export function literalTrie(ctx: GrammarContext, node: LiteralNode): LiteralTrie {
  let t = ctx.literalTries.get(node);
  if (!t) {
    t = new LiteralTrie(node.values.map((bytes) => ({ bytes, payload: 0 })));
    ctx.literalTries.set(node, t);
  }
  return t;
}

/** The default `done` of a literal: the stack below, unchanged (one function, not one per frame). */
const belowAsIs = (_: number, below: Stack): Stack => below;

/** Matches one literal alternative; `done` builds the stack once a terminal is reached. */
export class LiteralFrame extends Frame {
  constructor(
    readonly trie: LiteralTrie,
    readonly node: number,
    readonly done: (payload: number, below: Stack) => Stack | null = belowAsIs,
  ) {
    super();
  }
  step(b: number, self: Stack): Next {
    const c = this.trie.child(this.node, b);
    if (c >= 0) {
      if (this.trie.isTerminal(c) && this.trie.isLeaf(c)) return this.done(this.trie.payload[c]!, self.below!);
      return new Stack(new LiteralFrame(this.trie, c, this.done), self.below);
    }
    if (!this.trie.isTerminal(this.node)) return null;
    const after = this.done(this.trie.payload[this.node]!, self.below!);
    return after ? stepStack(after, b) : null;
  }
  ownMin(): number {
    return this.trie.restFrom(this.node);
  }
  override canEnd(): boolean {
    return this.trie.isTerminal(this.node);
  }
  override nextBytes(): Uint32Array | null {
    // At a terminal the literal may end and the bytes after it are the stack's below.
    return this.trie.isTerminal(this.node) ? null : this.trie.childBytes(this.node);
  }
}

const SPACE = 0x20;
const TAB = 0x09;
const NEWLINE = 0x0a;

/**
 * Optional whitespace in flexible mode, bounded so a model cannot loop on it: one space, or one
 * newline followed by at most 4·(depth + 1) spaces or tabs (enough for pretty-printed JSON).
 */
export class WsFrame extends Frame {
  constructor(
    readonly depth: number,
    readonly used: number,
    readonly newline: boolean,
  ) {
    super();
  }
  step(b: number, self: Stack): Next {
    if (b === NEWLINE && !this.newline && this.used === 0) return new Stack(new WsFrame(this.depth, 0, true), self.below);
    if ((b === SPACE || b === TAB) && this.used < (this.newline ? 4 * (this.depth + 1) : 1)) {
      return new Stack(new WsFrame(this.depth, this.used + 1, this.newline), self.below);
    }
    if (b === SPACE || b === TAB || b === NEWLINE) return null;
    return stepStack(self.below!, b);
  }
  ownMin(): number {
    return 0;
  }
  override canEnd(): boolean {
    return true;
  }
}

/** `s` with optional whitespace on top, in flexible mode. */
export function ws(ctx: GrammarContext, s: Stack, depth: number): Stack {
  return ctx.flexible ? new Stack(new WsFrame(depth, 0, false), s) : s;
}
