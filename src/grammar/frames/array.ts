/**
 * A JSON array: prefixItems then items, within minItems/maxItems; with uniqueItems over literal
 * items, each item one of the literals whose class (equal JSON) has not come yet.
 */
import type { ArrayNode, Node, UniqueLiterals } from '../schema/nodes.ts';
import { byteSet, Frame, LiteralFrame, LiteralTrie, minOf, Stack, stepStack, ws, type GrammarContext, type Next } from './stack.ts';
import { mayStartValue, stepValue } from './value.ts';

const enum P {
  Open,
  After,
  Comma,
}

const AFTER_ITEM = byteSet(0x2c, 0x5d);

export class ArrayFrame extends Frame {
  constructor(
    readonly ctx: GrammarContext,
    readonly node: ArrayNode,
    readonly phase: P,
    readonly count: number,
    readonly depth: number,
    /** uniqueItems: bits of the literal classes out so far. */
    readonly used = 0n,
  ) {
    super();
  }

  static open(ctx: GrammarContext, node: ArrayNode, depth: number): ArrayFrame {
    return new ArrayFrame(ctx, node, P.Open, 0, depth);
  }

  private item(i: number): Node | null {
    if (i >= this.node.maxItems) return null;
    const n = this.node.itemAt(i);
    if (this.node.unique && !uniqueTrie(this.node, this.node.unique, this.used, this.needAfter(i))) return null;
    return n && minOf(n) !== Infinity ? n : null;
  }

  private pushItem(b: number, self: Stack): Next {
    const item = this.item(this.count);
    if (!item) return null;
    const u = this.node.unique;
    if (u) {
      // The literals of classes not out yet, over the state after the item (so that nothing ends
      // before the `]`); the one written marks its class there. Each literal's terminal costs what
      // its class takes from the items still needed (the trie's extra), so minimums stay exact.
      const trie = uniqueTrie(this.node, u, this.used, this.needAfter(this.count))!;
      if (trie.child(0, b) < 0) return null;
      const after = ws(this.ctx, new Stack(new ArrayFrame(this.ctx, this.node, P.After, this.count + 1, this.depth, this.used), self.below), this.depth + 1);
      const mark = (value: number, s: Stack): Stack => {
        if (!(s.top instanceof ArrayFrame)) return new Stack(s.top, mark(value, s.below!));
        const f = s.top;
        return new Stack(new ArrayFrame(f.ctx, f.node, f.phase, f.count, f.depth, f.used | (1n << BigInt(u.classOf[value]!))), s.below);
      };
      return stepStack(new Stack(new LiteralFrame(trie, 0, mark), after), b);
    }
    // Checked first: every byte of a mask walk comes here, and most cannot start the item.
    if (!mayStartValue(this.ctx, item, b)) return null;
    const after = ws(this.ctx, new Stack(new ArrayFrame(this.ctx, this.node, P.After, this.count + 1, this.depth), self.below), this.depth + 1);
    return stepValue(this.ctx, item, this.depth + 1, b, after);
  }

  override nextBytes(): Uint32Array | null {
    // After an item: only `,` or `]` (whitespace is a frame of its own); an item's first bytes depend on its schema.
    return this.phase === P.After ? AFTER_ITEM : null;
  }

  step(b: number, self: Stack): Next {
    switch (this.phase) {
      case P.Open:
        if (b === 0x5d) return this.node.minItems === 0 ? self.below : null;
        return this.pushItem(b, self);
      case P.After:
        if (b === 0x5d) return this.count >= this.node.minItems ? self.below : null;
        if (b === 0x2c && this.item(this.count)) {
          return ws(this.ctx, new Stack(new ArrayFrame(this.ctx, this.node, P.Comma, this.count, this.depth, this.used), self.below), this.depth + 1);
        }
        return null;
      case P.Comma:
        return this.pushItem(b, self);
    }
  }

  /** Items still needed after item i (uniqueItems tries are built for it). */
  private needAfter(i: number): number {
    return Math.max(0, this.node.minItems - i - 1);
  }

  /** Bytes for items count..minItems-1, each with a leading comma. */
  private rest(from: number): number {
    if (this.node.unique) return this.node.unique.cheapest(this.node.minItems - from, this.used);
    let total = 0;
    for (let i = from; i < this.node.minItems; i++) {
      const n = this.item(i);
      if (!n) return Infinity;
      total += 1 + minOf(n);
    }
    return total;
  }

  ownMin(): number {
    switch (this.phase) {
      case P.Open:
        return this.node.minItems === 0 ? 1 : this.rest(0);
      case P.After:
        return this.rest(this.count) + 1;
      case P.Comma: {
        const n = this.item(this.count);
        if (!n) return Infinity;
        // uniqueItems: this item and the ones still needed, all of distinct unused classes.
        if (this.node.unique) return this.node.unique.cheapest(Math.max(1, this.node.minItems - this.count), this.used);
        return minOf(n) + this.rest(this.count + 1) + 1;
      }
    }
  }
}

/** Tries of the literals still allowed, per (array node, classes used, items needed after); payload: the value's index. */
const uniqueTries = new WeakMap<ArrayNode, Map<string, LiteralTrie | null>>();

function uniqueTrie(node: ArrayNode, u: UniqueLiterals, used: bigint, need: number): LiteralTrie | null {
  let byState = uniqueTries.get(node);
  if (!byState) uniqueTries.set(node, (byState = new Map()));
  const key = `${used}|${need}`;
  let t = byState.get(key);
  if (t === undefined) {
    // The state after the item counts the needed items with `used` only; a class taken now may
    // leave dearer ones (or too few): the difference is the terminal's extra.
    const base = u.cheapest(need, used);
    const entries: { bytes: Uint8Array; payload: number; extra: number }[] = [];
    u.literal.values.forEach((bytes, i) => {
      const bit = 1n << BigInt(u.classOf[i]!);
      if (used & bit) return;
      const tail = u.cheapest(need, used | bit);
      if (tail !== Infinity) entries.push({ bytes, payload: i, extra: tail - base });
    });
    byState.set(key, (t = entries.length ? new LiteralTrie(entries) : null));
  }
  return t;
}
