/**
 * Builds every node reachable from a root, so that any schema error (an unsupported keyword, a bad
 * `$ref`, a pattern outside the supported subset) is thrown at compile time. Nodes are otherwise
 * built on first use, which is what keeps a 3,000-tool plan fast to start.
 */
import type { Node } from './nodes.ts';

function allChildren(n: Node): Node[] {
  switch (n.kind) {
    case 'object':
      return [...n.props.map((p) => p.node.get()), ...n.undeclaredValues()];
    case 'array':
      return [...n.prefix.map((p) => p.get()), ...(n.items ? [n.items.get()] : [])];
    case 'union':
    case 'discriminated':
      return [...n.branches];
    case 'ref':
      return [n.target.get()];
    case 'string':
      // The pattern's automaton is built lazily too; building it is what checks the pattern.
      void n.automaton;
      return [];
    default:
      return [];
  }
}

/** Builds the whole node graph under `root` (cycles through $refs included, each node once). */
export function buildAll(root: Node): void {
  const seen = new Set<Node>([root]);
  const todo: Node[] = [root];
  while (todo.length) {
    for (const c of allChildren(todo.pop()!)) {
      if (!seen.has(c)) {
        seen.add(c);
        todo.push(c);
      }
    }
  }
}
