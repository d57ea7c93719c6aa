/**
 * Re-serializes a JSON value in the engine's canonical form: compact, object keys in the schema's
 * declared order (declared first, others after in their own order), as the engine emits them.
 */
import { accepts } from '../../src/grammar/schema/accepts.ts';
import { deref, type Node } from '../../src/grammar/schema/nodes.ts';

function arrange(value: unknown, node: Node | null): unknown {
  if (node === null || typeof value !== 'object' || value === null) return value;
  let n = deref(node);
  if (n.kind === 'union' || n.kind === 'discriminated') {
    const branch = n.branches.find((b) => accepts(b, value));
    if (!branch) return value;
    n = deref(branch);
  }
  if (Array.isArray(value)) return value.map((v, i) => arrange(v, n.kind === 'array' ? n.itemAt(i) : null));
  if (n.kind !== 'object') return value;
  const obj = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const put = (k: string, v: unknown) => Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  for (const p of n.props) if (Object.hasOwn(obj, p.name)) put(p.name, arrange(obj[p.name], p.node.get()));
  for (const k of Object.keys(obj)) if (!Object.hasOwn(out, k)) put(k, arrange(obj[k], n.additional?.get() ?? null));
  return out;
}

export function canonicalJson(value: unknown, root: Node): string {
  return JSON.stringify(arrange(value, root));
}
