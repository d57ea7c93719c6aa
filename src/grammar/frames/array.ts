/** A JSON array: prefixItems then items, within minItems/maxItems. */
import type { ArrayNode, Node } from '../schema/nodes.ts';
import { Frame, minOf, Stack, stepStack, ws, type GrammarContext, type Next } from './stack.ts';
import { ValueFrame } from './value.ts';

const enum P {
  Open,
  After,
  Comma,
}

export class ArrayFrame extends Frame {
  constructor(
    readonly ctx: GrammarContext,
    readonly node: ArrayNode,
    readonly phase: P,
    readonly count: number,
    readonly depth: number,
  ) {
    super();
  }

  static open(ctx: GrammarContext, node: ArrayNode, depth: number): ArrayFrame {
    return new ArrayFrame(ctx, node, P.Open, 0, depth);
  }

  private item(i: number): Node | null {
    if (i >= this.node.maxItems) return null;
    const n = this.node.itemAt(i);
    return n && minOf(n) !== Infinity ? n : null;
  }

  private pushItem(b: number, self: Stack): Next {
    const item = this.item(this.count);
    if (!item) return null;
    const after = ws(this.ctx, new Stack(new ArrayFrame(this.ctx, this.node, P.After, this.count + 1, this.depth), self.below), this.depth + 1);
    return stepStack(new Stack(new ValueFrame(this.ctx, item, this.depth + 1), after), b);
  }

  step(b: number, self: Stack): Next {
    switch (this.phase) {
      case P.Open:
        if (b === 0x5d) return this.node.minItems === 0 ? self.below : null;
        return this.pushItem(b, self);
      case P.After:
        if (b === 0x5d) return this.count >= this.node.minItems ? self.below : null;
        if (b === 0x2c && this.item(this.count)) {
          return ws(this.ctx, new Stack(new ArrayFrame(this.ctx, this.node, P.Comma, this.count, this.depth), self.below), this.depth + 1);
        }
        return null;
      case P.Comma:
        return this.pushItem(b, self);
    }
  }

  /** Bytes for items count..minItems-1, each with a leading comma. */
  private rest(from: number): number {
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
        return n ? minOf(n) + this.rest(this.count + 1) + 1 : Infinity;
      }
    }
  }
}
