/** The start of any value: its first byte picks the frame (or several, for ambiguous unions). */
import { deref, type Node } from '../schema/nodes.ts';
import { ArrayFrame } from './array.ts';
import { DecimalFrame } from './decimal.ts';
import { NumberFrame } from './number.ts';
import { ObjectFrame, prefixBranch } from './object.ts';
import { collect, Frame, literalTrie, LiteralFrame, minOf, Stack, stepStack, ws, type GrammarContext, type Next } from './stack.ts';
import { openString } from './string.ts';

export class ValueFrame extends Frame {
  constructor(
    readonly ctx: GrammarContext,
    readonly node: Node,
    readonly depth: number,
  ) {
    super();
  }

  step(b: number, self: Stack): Next {
    const n = deref(this.node);
    const below = self.below!;
    switch (n.kind) {
      case 'never':
        return null;
      case 'literal':
        return stepStack(new Stack(new LiteralFrame(literalTrie(this.ctx, n), 0), below), b);
      case 'string':
        return b === 0x22 ? new Stack(openString(n), below) : null;
      case 'number':
        return stepStack(new Stack(n.decimal ? DecimalFrame.start(n, n.decimal) : NumberFrame.start(n), below), b);
      case 'object':
        return b === 0x7b ? ws(this.ctx, new Stack(ObjectFrame.open(this.ctx, n, null, this.depth), below), this.depth + 1) : null;
      case 'discriminated':
        return b === 0x7b
          ? ws(this.ctx, new Stack(ObjectFrame.open(this.ctx, prefixBranch(n), n, this.depth), below), this.depth + 1)
          : null;
      case 'array':
        return b === 0x5b ? ws(this.ctx, new Stack(ArrayFrame.open(this.ctx, n, this.depth), below), this.depth + 1) : null;
      case 'union': {
        const out: Stack[] = [];
        for (const branch of n.branches) {
          if (minOf(branch) === Infinity) continue;
          collect(out, new ValueFrame(this.ctx, branch, this.depth).step(b, self));
        }
        return out.length === 0 ? null : out.length === 1 ? out[0]! : out;
      }
    }
  }

  ownMin(): number {
    return minOf(this.node);
  }
}

/** `below` with a value of `node` to parse first (and optional whitespace before it). */
export function pushValue(ctx: GrammarContext, node: Node, below: Stack, depth: number): Stack {
  return ws(ctx, new Stack(new ValueFrame(ctx, node, depth), below), depth);
}
