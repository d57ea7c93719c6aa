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
  readonly children: Map<number, number>[] = [new Map()];
  readonly payload: number[] = [-1];
  /** Fewest bytes from a node to a terminal, with each terminal's extra cost added. */
  private readonly rest: number[];

  constructor(entries: readonly { bytes: Uint8Array; payload: number; extra?: number }[]) {
    const terminalCost: number[] = [Infinity];
    for (const { bytes, payload, extra = 0 } of entries) {
      let n = 0;
      for (const b of bytes) {
        let c = this.children[n]!.get(b);
        if (c === undefined) {
          c = this.children.length;
          this.children.push(new Map());
          this.payload.push(-1);
          terminalCost.push(Infinity);
          this.children[n]!.set(b, c);
        }
        n = c;
      }
      if (this.payload[n] === -1 || extra < terminalCost[n]!) {
        this.payload[n] = payload;
        terminalCost[n] = extra;
      }
    }
    // Children always have larger ids than their parent, so one backward pass settles `rest`.
    this.rest = terminalCost.slice();
    for (let n = this.children.length - 1; n >= 0; n--) {
      for (const c of this.children[n]!.values()) this.rest[n] = Math.min(this.rest[n]!, this.rest[c]! + 1);
    }
  }

  child(n: number, b: number): number {
    return this.children[n]!.get(b) ?? -1;
  }
  isTerminal(n: number): boolean {
    return this.payload[n] !== -1;
  }
  isLeaf(n: number): boolean {
    return this.children[n]!.size === 0;
  }
  restFrom(n: number): number {
    return this.rest[n]!;
  }

  private bytesAt: (Uint32Array | undefined)[] = [];
  /** The bytes of node `n`'s children as a 256-bit set (built on first use). */
  childBytes(n: number): Uint32Array {
    let out = this.bytesAt[n];
    if (!out) {
      out = new Uint32Array(8);
      for (const b of this.children[n]!.keys()) out[b >>> 5]! |= 1 << (b & 31);
      this.bytesAt[n] = out;
    }
    return out;
  }

  private below: (Int32Array | undefined)[] = [];
  /**
   * The terminals under node `n` as (payload, distance in bytes) pairs, built on first use: a key
   * frame's minimum reads them on every byte of a key, where a search of the subtree allocated.
   */
  terminalsBelow(n: number): Int32Array {
    let out = this.below[n];
    if (out) return out;
    const pairs: number[] = [];
    const visit = (m: number, d: number) => {
      for (const c of this.children[m]!.values()) {
        if (this.payload[c] !== -1) pairs.push(this.payload[c]!, d + 1);
        else visit(c, d + 1);
      }
    };
    visit(n, 0);
    this.below[n] = out = Int32Array.from(pairs);
    return out;
  }
}

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
