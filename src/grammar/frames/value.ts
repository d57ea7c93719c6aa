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
    return stepValue(this.ctx, this.node, this.depth, b, self.below!);
  }

  ownMin(): number {
    return minOf(this.node);
  }
}

/**
 * The stacks after byte `b` as the first of a value of `node` (over `below`). Bytes that cannot
 * start it are refused before any frame is made: a mask walk tries every first byte of the
 * vocabulary here, and the frames it made only to refuse them were much of its garbage.
 */
export function stepValue(ctx: GrammarContext, node: Node, depth: number, b: number, below: Stack): Next {
  const n = deref(node);
  switch (n.kind) {
    case 'never':
      return null;
    case 'literal': {
      const trie = literalTrie(ctx, n);
      return trie.child(0, b) < 0 ? null : stepStack(new Stack(new LiteralFrame(trie, 0), below), b);
    }
    case 'string':
      return b === 0x22 ? new Stack(openString(n), below) : null;
    case 'number':
      if (b !== 0x2d && (b < 0x30 || b > 0x39)) return null;
      return stepStack(new Stack(n.decimal ? DecimalFrame.start(n, n.decimal) : NumberFrame.start(n), below), b);
    case 'object':
      return b === 0x7b ? ws(ctx, new Stack(ObjectFrame.open(ctx, n, null, depth), below), depth + 1) : null;
    case 'discriminated':
      return b === 0x7b ? ws(ctx, new Stack(ObjectFrame.open(ctx, prefixBranch(n), n, depth), below), depth + 1) : null;
    case 'array':
      return b === 0x5b ? ws(ctx, new Stack(ArrayFrame.open(ctx, n, depth), below), depth + 1) : null;
    case 'union': {
      // One live stack needs no array (the common case: the first byte tells the branches apart).
      let first: Stack | null = null;
      let out: Stack[] | null = null;
      for (const branch of n.branches) {
        if (minOf(branch) === Infinity) continue;
        const next = stepValue(ctx, branch, depth, b, below);
        if (next === null) continue;
        if (!out && !first && !Array.isArray(next)) {
          if (next.min !== Infinity) first = next;
          continue;
        }
        if (!out) out = first ? [first] : [];
        collect(out, next);
      }
      if (!out) return first;
      return out.length === 0 ? null : out.length === 1 ? out[0]! : out;
    }
  }
}

/** May byte `b` begin a value of `node`? Exactly the bytes `stepValue` does not refuse at once. */
export function mayStartValue(ctx: GrammarContext, node: Node, b: number): boolean {
  const n = deref(node);
  switch (n.kind) {
    case 'never':
      return false;
    case 'literal':
      return literalTrie(ctx, n).child(0, b) >= 0;
    case 'string':
      return b === 0x22;
    case 'number':
      return b === 0x2d || (b >= 0x30 && b <= 0x39);
    case 'object':
    case 'discriminated':
      return b === 0x7b;
    case 'array':
      return b === 0x5b;
    case 'union':
      for (const branch of n.branches) if (minOf(branch) !== Infinity && mayStartValue(ctx, branch, b)) return true;
      return false;
  }
}

/** `below` with a value of `node` to parse first (and optional whitespace before it). */
export function pushValue(ctx: GrammarContext, node: Node, below: Stack, depth: number): Stack {
  return ws(ctx, new Stack(new ValueFrame(ctx, node, depth), below), depth);
}
