/**
 * Shortest serialization of every node, in bytes (Infinity when unsatisfiable). Recursive schemas
 * make the node graph cyclic, so values are relaxed to a fixpoint over everything reachable.
 * The figures are exact or upper bounds, never lower: the token budget relies on them.
 */
import { decimalMinExtra, START } from './decimal-bounds.ts';
import { integerMultipleMinBytes } from './integer-range.ts';
import type { Node, ObjectNode } from './nodes.ts';

/** Bytes of an additional key we can always find unused: `"` + ≤ 4 chars + `"`. */
export const ADDITIONAL_KEY_BYTES = 6;

/**
 * The children a node's own minimum depends on, and nothing more: building is lazy, so optional
 * properties, items past minItems and the like are only built when the matcher reaches them.
 */
function children(n: Node): Node[] {
  switch (n.kind) {
    case 'object': {
      const out: Node[] = [];
      let required = 0;
      for (const p of n.props) if (p.required) out.push(p.node.get()), required++;
      if (n.minProps > required) {
        for (const p of n.props) if (!p.required) out.push(p.node.get());
        if (n.additional) out.push(...n.undeclaredValues());
      }
      return out;
    }
    case 'array': {
      const out: Node[] = [];
      for (let i = 0; i < n.minItems && i < n.prefix.length; i++) out.push(n.prefix[i]!.get());
      if (n.minItems > n.prefix.length && n.items) out.push(n.items.get());
      return out;
    }
    case 'union':
      return [...n.branches];
    case 'discriminated':
      return [...n.branches];
    case 'ref':
      return [n.target.get()];
    default:
      return [];
  }
}

const cur = (n: Node): number => n.min ?? Infinity;

/**
 * Bytes of one additional property: `,` + a key we can always find unused (≤ 4 chars, quoted) +
 * `:` + the value. Like the declared properties' costs, it counts its leading comma.
 */
export function additionalPropBytes(node: ObjectNode, valueMin: (n: Node) => number): number {
  return node.additional ? 1 + ADDITIONAL_KEY_BYTES + 1 + undeclaredValueBytes(node, valueMin) : Infinity;
}

/**
 * Fewest bytes of an undeclared key's value before its name is written: with patternProperties
 * the value's schema depends on the name, so the most any of them needs (each is reachable: a name
 * can always be made unused, whatever it then matches), which keeps shortest completions upper
 * bounds. Infinity when no undeclared key is allowed.
 */
export function undeclaredValueBytes(node: ObjectNode, valueMin: (n: Node) => number): number {
  if (!node.additional) return Infinity;
  if (!node.patterns) return valueMin(node.additional.get());
  let value = 0;
  for (const v of node.undeclaredValues()) value = Math.max(value, valueMin(v));
  return value;
}

/**
 * Fewest bytes to add `count` more properties, choosing among optional declared ones (`optional`,
 * sorted costs, each usable once) and additional keys (`additional` each, repeatable).
 */
export function extraPropsBytes(optional: readonly number[], additional: number, count: number): number {
  let total = 0;
  let i = 0;
  for (let k = 0; k < count; k++) {
    if (i < optional.length && optional[i]! <= additional) total += optional[i++]!;
    else total += additional;
  }
  return total;
}

function local(n: Node): number {
  switch (n.kind) {
    case 'never':
      return Infinity;
    case 'literal':
      return n.values.reduce((m, v) => Math.min(m, v.length), Infinity);
    case 'string': {
      if (n.minLength > n.maxLength) return Infinity;
      const a = n.automaton;
      return 2 + (a ? (a.satisfiable ? a.minBytes[0]! : Infinity) : n.minLength);
    }
    case 'number':
      return n.integer ? integerMultipleMinBytes(n.lo, n.hi, n.multipleOf) : n.decimal ? decimalMinExtra(n.decimal, START, false) : 1;
    case 'object': {
      // Each property costs key + ':' + value + ',' (one comma too many, removed below).
      let total = 2;
      let count = 0;
      for (const p of n.props) {
        if (!p.required) continue;
        total += p.key.length + 1 + cur(p.node.get()) + 1;
        count++;
      }
      if (count > n.maxProps) return Infinity;
      const needed = n.minProps - count;
      if (needed > 0) {
        if (count + needed > n.maxProps) return Infinity;
        // Only now are optional properties looked at (children() built them for this case).
        const optional: number[] = [];
        for (const p of n.props) {
          if (p.required) continue;
          const c = p.key.length + 1 + cur(p.node.get()) + 1;
          if (Number.isFinite(c)) optional.push(c);
        }
        optional.sort((a, b) => a - b);
        total += extraPropsBytes(optional, additionalPropBytes(n, cur), needed);
        count += needed;
      }
      return count > 0 ? total - 1 : total;
    }
    case 'array': {
      if (n.minItems > n.maxItems) return Infinity;
      if (n.unique) return 2 + n.unique.cheapest(n.minItems, 0n) - (n.minItems > 0 ? 1 : 0);
      let total = 2;
      for (let i = 0; i < n.minItems; i++) {
        const item = i < n.prefix.length ? n.prefix[i]!.get() : n.items?.get();
        total += (item ? cur(item) : Infinity) + 1;
      }
      return n.minItems > 0 ? total - 1 : total;
    }
    case 'union':
    case 'discriminated':
      return n.branches.reduce((m, b) => Math.min(m, cur(b)), Infinity);
    case 'ref':
      return cur(n.target.get());
  }
}

/** Shortest serialization of `node` in bytes; Infinity when no document satisfies it. */
export function minBytesOf(node: Node): number {
  if (node.min !== undefined) return node.min;
  // Collect the not-yet-final subgraph in post-order (children first) so one pass mostly settles it.
  // A node's min is set to Infinity when first seen, which also marks it visited.
  const order: Node[] = [];
  node.min = Infinity;
  const stack: { n: Node; kids: Node[]; i: number }[] = [{ n: node, kids: children(node), i: 0 }];
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    if (top.i < top.kids.length) {
      const k = top.kids[top.i++]!;
      if (k.min === undefined) {
        k.min = Infinity;
        stack.push({ n: k, kids: children(k), i: 0 });
      }
    } else {
      order.push(top.n);
      stack.pop();
    }
  }
  for (let changed = true; changed; ) {
    changed = false;
    for (const n of order) {
      const v = local(n);
      if (v < n.min!) {
        n.min = v;
        changed = true;
      }
    }
  }
  return node.min!;
}
