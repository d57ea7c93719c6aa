/**
 * Does a JSON value satisfy a node? Used to keep only the enum/const values that also satisfy their
 * sibling keywords (`{"type": "string", "enum": ["a", 1]}` allows only "a").
 */
import { deref, type Node } from './nodes.ts';
import { sameJson } from './json.ts';

const decoder = new TextDecoder();

function codePoints(s: string): number[] {
  return [...s].map((c) => c.codePointAt(0)!);
}

export function accepts(node: Node, value: unknown): boolean {
  const n = deref(node);
  switch (n.kind) {
    case 'never':
      return false;
    case 'literal':
      return n.values.some((v) => sameJson(JSON.parse(decoder.decode(v)), value));
    case 'string': {
      if (typeof value !== 'string') return false;
      const cps = codePoints(value);
      if (cps.length < n.minLength || cps.length > n.maxLength) return false;
      const a = n.automaton;
      if (!a) return true;
      let s = 0;
      for (const cp of cps) {
        s = a.step(s, cp);
        if (s < 0) return false;
      }
      return a.accepting[s] === 1;
    }
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return false;
      if (n.integer && !Number.isInteger(value)) return false;
      if (n.multipleOf !== 1 && value % n.multipleOf !== 0) return false;
      return value >= n.lo && value <= n.hi;
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj);
      if (keys.length < n.minProps || keys.length > n.maxProps) return false;
      const declared = new Map(n.props.map((p) => [p.name, p]));
      for (const p of n.props) if (p.required && !Object.hasOwn(obj, p.name)) return false;
      if (n.deps) {
        const d = n.deps;
        for (let j = 0; j < n.props.length; j++) {
          if (!d.needs[j] || !Object.hasOwn(obj, n.props[j]!.name)) continue;
          for (let i = 0; i < n.props.length; i++) if (d.needs[j]! & d.bit[i]! && !Object.hasOwn(obj, n.props[i]!.name)) return false;
        }
      }
      for (const k of keys) {
        const p = declared.get(k);
        const schema = p ? p.node.get() : n.valueFor(k);
        if (!schema || !accepts(schema, obj[k])) return false;
      }
      return true;
    }
    case 'array': {
      if (!Array.isArray(value)) return false;
      if (value.length < n.minItems || value.length > n.maxItems) return false;
      if (n.unique && value.some((v, i) => value.some((w, j) => j < i && sameJson(v, w)))) return false;
      return value.every((v, i) => {
        const s = n.itemAt(i);
        return s !== null && accepts(s, v);
      });
    }
    case 'union':
    case 'discriminated':
      return n.branches.some((b) => accepts(b, value));
  }
}
