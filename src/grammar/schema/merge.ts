/**
 * Merges two raw schemas into one that accepts exactly their intersection (for `allOf`, `$ref`
 * with siblings, and distributing a schema's own keywords into its `anyOf`/`oneOf` branches).
 * What cannot be merged exactly is refused.
 */
import { UnsupportedSchemaError } from '../errors.ts';
import { sameJson } from './json.ts';
import { ANNOTATIONS } from './keywords.ts';

export type RawSchema = boolean | Record<string, unknown>;

const allOf = (a: unknown, b: unknown): RawSchema => {
  if (a === true || a === undefined) return b as RawSchema;
  if (b === true || b === undefined) return a as RawSchema;
  if (a === false || b === false) return false;
  return { allOf: [a, b] };
};

function typeSet(t: unknown): Set<string> | null {
  if (t === undefined) return null;
  return new Set(Array.isArray(t) ? (t as string[]) : [t as string]);
}

function intersectTypes(a: unknown, b: unknown): unknown {
  const sa = typeSet(a);
  const sb = typeSet(b);
  if (!sa) return b;
  if (!sb) return a;
  const out: string[] = [];
  for (const t of sa) {
    if (sb.has(t)) out.push(t);
    else if (t === 'integer' && sb.has('number')) out.push('integer');
    else if (t === 'number' && sb.has('integer')) out.push('integer');
  }
  return [...new Set(out)];
}

const MAXES = ['maxLength', 'maxItems', 'maxProperties', 'maximum', 'exclusiveMaximum'];
const MINS = ['minLength', 'minItems', 'minProperties', 'minimum', 'exclusiveMinimum'];

export function mergeSchemas(a: RawSchema, b: RawSchema, pointer: string): RawSchema {
  if (a === false || b === false) return false;
  if (a === true) return b;
  if (b === true) return a;
  const out: Record<string, unknown> = {};
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    if (ANNOTATIONS.has(k) || k === '$id') continue;
    const va = a[k];
    const vb = b[k];
    if (va === undefined || vb === undefined) {
      out[k] = va ?? vb;
      continue;
    }
    if (MAXES.includes(k)) out[k] = Math.min(va as number, vb as number);
    else if (MINS.includes(k)) out[k] = Math.max(va as number, vb as number);
    else if (k === 'type') out[k] = intersectTypes(va, vb);
    else if (k === 'required') out[k] = [...new Set([...(va as string[]), ...(vb as string[])])];
    else if (k === 'enum') out[k] = (va as unknown[]).filter((x) => (vb as unknown[]).some((y) => sameJson(x, y)));
    else if (k === 'const') {
      if (!sameJson(va, vb)) out.enum = [];
      else out[k] = va;
    } else if (k === 'additionalProperties' || k === 'items') out[k] = allOf(va, vb);
    else if (k === 'uniqueItems') out[k] = (va as boolean) || (vb as boolean);
    else if (k === 'allOf') out[k] = [...(va as unknown[]), ...(vb as unknown[])];
    else if (k === 'pattern' || k === 'format' || k === 'anyOf' || k === 'oneOf' || k === '$ref') {
      if (sameJson(va, vb)) out[k] = va;
      else throw new UnsupportedSchemaError(k, pointer, `two different "${k}" in one allOf cannot be combined`);
    } else if (k !== 'properties' && k !== 'prefixItems') {
      if (sameJson(va, vb)) out[k] = va;
      else throw new UnsupportedSchemaError(k, pointer, 'cannot combine this keyword across allOf');
    }
  }
  // Properties: common ones intersect; one side's extra properties also meet the other side's
  // additionalProperties (false there makes them impossible).
  if (a.properties !== undefined || b.properties !== undefined) {
    const pa = (a.properties ?? {}) as Record<string, unknown>;
    const pb = (b.properties ?? {}) as Record<string, unknown>;
    const props: Record<string, unknown> = {};
    for (const name of new Set([...Object.keys(pa), ...Object.keys(pb)])) {
      const sa = Object.hasOwn(pa, name) ? pa[name] : a.additionalProperties;
      const sb = Object.hasOwn(pb, name) ? pb[name] : b.additionalProperties;
      // defineProperty, not assignment: a property may be called "__proto__".
      Object.defineProperty(props, name, { value: allOf(sa, sb), enumerable: true, writable: true, configurable: true });
    }
    out.properties = props;
  }
  // Items by position: prefixItems[i] or else items, on both sides.
  if (a.prefixItems !== undefined || b.prefixItems !== undefined) {
    const xa = (a.prefixItems ?? []) as unknown[];
    const xb = (b.prefixItems ?? []) as unknown[];
    const n = Math.max(xa.length, xb.length);
    out.prefixItems = Array.from({ length: n }, (_, i) =>
      allOf(i < xa.length ? xa[i] : a.items, i < xb.length ? xb[i] : b.items),
    );
  }
  return out;
}
