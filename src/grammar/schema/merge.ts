/**
 * Merges two raw schemas into one that accepts exactly their intersection (for `allOf`, `$ref`
 * with siblings, and distributing a schema's own keywords into its `anyOf`/`oneOf` branches).
 * What cannot be merged exactly is refused.
 *
 * A merged schema is no part of the user's document, so it records where each of its parts came
 * from (see pointerOf): an error about a merged keyword names the place the user wrote it.
 */
import { UnsupportedSchemaError } from '../errors.ts';
import { sameJson } from './json.ts';
import { constrains } from './keywords.ts';

export type RawSchema = boolean | Record<string, unknown>;

const escapePointer = (s: string) => s.replaceAll('~', '~0').replaceAll('/', '~1');

/**
 * For a schema made here (merged, or a copy without some keywords): the JSON pointer in the user's
 * document of each keyword (`format`), and of each direct child schema that did not come with its
 * keyword (`properties/<escaped name>`, `allOf/<i>`, `prefixItems/<i>`).
 */
const origins = new WeakMap<object, ReadonlyMap<string, string>>();

/**
 * The JSON pointer, in the user's document, of keyword `k` of `schema` (or of its child `sub`
 * under `k`), where `pointer` locates `schema` itself. A schema from the document has its
 * keywords under its own pointer; a merged one has them wherever the user wrote them.
 *
 * For example (internal, not exported from the package):
 * ```ts
 * pointerOf({ format: 'x' }, '/properties/a', 'format'); // '/properties/a/format'
 * ```
 */
export function pointerOf(schema: unknown, pointer: string, k: string, sub?: string): string {
  const o = typeof schema === 'object' && schema !== null ? origins.get(schema) : undefined;
  if (sub !== undefined) {
    const exact = o?.get(`${k}/${escapePointer(sub)}`);
    if (exact !== undefined) return exact;
  }
  const at = o?.get(k) ?? `${pointer}/${escapePointer(k)}`;
  return sub === undefined ? at : `${at}/${escapePointer(sub)}`;
}

/** `raw` without `keys`, keeping where the others came from (destructuring would lose it). */
export function omit(raw: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const rest: Record<string, unknown> = {};
  for (const k of Object.keys(raw)) {
    // defineProperty, not assignment: a keyword may be called "__proto__".
    if (!keys.includes(k)) Object.defineProperty(rest, k, { value: raw[k], enumerable: true, writable: true, configurable: true });
  }
  const o = origins.get(raw);
  if (o) origins.set(rest, o);
  return rest;
}

/** Copies the origin of keyword `k` of `side` (and of the children under it) into `to`. */
function take(to: Map<string, string>, k: string, side: RawSchema, sidePointer: string): void {
  to.set(k, pointerOf(side, sidePointer, k));
  const o = typeof side === 'object' ? origins.get(side) : undefined;
  if (!o) return;
  const prefix = `${k}/`;
  for (const [key, p] of o) if (key.startsWith(prefix)) to.set(key, p);
}

/**
 * The intersection of child schemas `va` (at `pa`) and `vb` (at `pb`), and where it sits: one side
 * when the other constrains nothing, else a new `{ allOf: [va, vb] }` that knows both places.
 */
function meet(va: unknown, pa: string, vb: unknown, pb: string): [unknown, string] {
  // `true` met with an absent schema is `true`, never undefined (a property schema must be a schema).
  if (va === true || va === undefined) return [vb ?? va ?? true, vb === undefined ? pa : pb];
  if (vb === true || vb === undefined) return [va, pa];
  if (va === false) return [false, pa];
  if (vb === false) return [false, pb];
  const both = { allOf: [va, vb] };
  origins.set(
    both,
    new Map([
      ['allOf', pa],
      ['allOf/0', pa],
      ['allOf/1', pb],
    ]),
  );
  return [both, pa];
}

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

/**
 * The intersection of `a` (located at `aPointer` in the user's document) and `b` (at `bPointer`).
 * The result records the origin of each of its keywords and children (see pointerOf).
 */
export function mergeSchemas(a: RawSchema, aPointer: string, b: RawSchema, bPointer: string): RawSchema {
  if (a === false || b === false) return false;
  if (a === true) return b;
  if (b === true) return a;
  const out: Record<string, unknown> = {};
  const from = new Map<string, string>();
  const fromA = (k: string) => take(from, k, a, aPointer);
  const fromB = (k: string) => take(from, k, b, bPointer);
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  // One side's additionalProperties also covers the names the other side's patterns match, which
  // the merged schema would exempt: not combined.
  for (const [p, q, qPointer] of [[a, b, bPointer], [b, a, aPointer]] as const) {
    if (p.patternProperties !== undefined && q.additionalProperties !== undefined && q.additionalProperties !== true && !sameJson(p.patternProperties, q.patternProperties)) {
      throw new UnsupportedSchemaError('additionalProperties', pointerOf(q, qPointer, 'additionalProperties'), 'cannot combine with patternProperties across allOf');
    }
  }
  let constClash: string | undefined;
  for (const k of keys) {
    // Annotations and ignored unknown keywords (refused ones threw before any merge).
    if (!constrains(k)) continue;
    const va = a[k];
    const vb = b[k];
    if (va === undefined || vb === undefined) {
      out[k] = va ?? vb;
      if (va !== undefined) fromA(k);
      else fromB(k);
      continue;
    }
    // Where both sides have `k`, the origin is the side that decides the merged value.
    if (MAXES.includes(k)) {
      out[k] = Math.min(va as number, vb as number);
      if ((va as number) <= (vb as number)) fromA(k);
      else fromB(k);
    } else if (MINS.includes(k)) {
      out[k] = Math.max(va as number, vb as number);
      if ((va as number) >= (vb as number)) fromA(k);
      else fromB(k);
    } else if (k === 'type') {
      out[k] = intersectTypes(va, vb);
      if (sameJson(out[k], va)) fromA(k);
      else fromB(k);
    } else if (k === 'required') {
      out[k] = [...new Set([...(va as string[]), ...(vb as string[])])];
      fromA(k);
    } else if (k === 'enum') {
      out[k] = (va as unknown[]).filter((x) => (vb as unknown[]).some((y) => sameJson(x, y)));
      fromB(k);
    } else if (k === 'const') {
      if (!sameJson(va, vb)) {
        // Nothing satisfies both; kept aside so an `enum` met later in this loop cannot undo it.
        constClash = pointerOf(b, bPointer, k);
      } else {
        out[k] = va;
        fromA(k);
      }
    } else if (k === 'additionalProperties' || k === 'items') {
      const [v, at] = meet(va, pointerOf(a, aPointer, k), vb, pointerOf(b, bPointer, k));
      out[k] = v;
      from.set(k, at);
    } else if (k === 'dependentRequired' || k === 'dependencies') {
      // Both sides' dependencies hold: per trigger, the union of its dependents.
      const m: Record<string, string[]> = {};
      for (const side of [va, vb] as Record<string, string[]>[]) {
        for (const name in side) Object.defineProperty(m, name, { value: [...new Set([...(m[name] ?? []), ...side[name]!])], enumerable: true, writable: true, configurable: true });
      }
      out[k] = m;
      fromA(k);
    } else if (k === 'uniqueItems') {
      out[k] = (va as boolean) || (vb as boolean);
      if (va) fromA(k);
      else fromB(k);
    } else if (k === 'allOf') {
      const la = va as unknown[];
      const lb = vb as unknown[];
      out[k] = [...la, ...lb];
      from.set(k, pointerOf(a, aPointer, k));
      la.forEach((_, i) => from.set(`allOf/${i}`, pointerOf(a, aPointer, k, String(i))));
      lb.forEach((_, i) => from.set(`allOf/${la.length + i}`, pointerOf(b, bPointer, k, String(i))));
    } else if (k === 'pattern' || k === 'format' || k === 'anyOf' || k === 'oneOf' || k === '$ref') {
      if (!sameJson(va, vb)) {
        throw new UnsupportedSchemaError(k, pointerOf(b, bPointer, k), `two different "${k}" in one allOf cannot be combined`);
      }
      out[k] = va;
      fromA(k);
    } else if (k !== 'properties' && k !== 'prefixItems') {
      if (!sameJson(va, vb)) throw new UnsupportedSchemaError(k, pointerOf(b, bPointer, k), 'cannot combine this keyword across allOf');
      out[k] = va;
      fromA(k);
    }
  }
  // Types that do not meet: nothing satisfies both (an empty `type` list would read as malformed,
  // and the other keywords cannot all be built without a type).
  if (Array.isArray(out.type) && out.type.length === 0) return false;
  if (constClash !== undefined) {
    out.enum = [];
    from.set('enum', constClash);
  }
  // Properties: common ones intersect; one side's extra properties also meet the other side's
  // additionalProperties (false there makes them impossible).
  if (a.properties !== undefined || b.properties !== undefined) {
    const pa = (a.properties ?? {}) as Record<string, unknown>;
    const pb = (b.properties ?? {}) as Record<string, unknown>;
    const props: Record<string, unknown> = {};
    from.set('properties', pointerOf(a.properties !== undefined ? a : b, a.properties !== undefined ? aPointer : bPointer, 'properties'));
    for (const name of new Set([...Object.keys(pa), ...Object.keys(pb)])) {
      const inA = Object.hasOwn(pa, name);
      const inB = Object.hasOwn(pb, name);
      const [v, at] = meet(
        inA ? pa[name] : a.additionalProperties,
        inA ? pointerOf(a, aPointer, 'properties', name) : pointerOf(a, aPointer, 'additionalProperties'),
        inB ? pb[name] : b.additionalProperties,
        inB ? pointerOf(b, bPointer, 'properties', name) : pointerOf(b, bPointer, 'additionalProperties'),
      );
      // defineProperty, not assignment: a property may be called "__proto__".
      Object.defineProperty(props, name, { value: v, enumerable: true, writable: true, configurable: true });
      from.set(`properties/${escapePointer(name)}`, at);
    }
    out.properties = props;
  }
  // Items by position: prefixItems[i] or else items, on both sides.
  if (a.prefixItems !== undefined || b.prefixItems !== undefined) {
    const xa = (a.prefixItems ?? []) as unknown[];
    const xb = (b.prefixItems ?? []) as unknown[];
    const n = Math.max(xa.length, xb.length);
    from.set('prefixItems', pointerOf(a.prefixItems !== undefined ? a : b, a.prefixItems !== undefined ? aPointer : bPointer, 'prefixItems'));
    out.prefixItems = Array.from({ length: n }, (_, i) => {
      const [v, at] = meet(
        i < xa.length ? xa[i] : a.items,
        i < xa.length ? pointerOf(a, aPointer, 'prefixItems', String(i)) : pointerOf(a, aPointer, 'items'),
        i < xb.length ? xb[i] : b.items,
        i < xb.length ? pointerOf(b, bPointer, 'prefixItems', String(i)) : pointerOf(b, bPointer, 'items'),
      );
      from.set(`prefixItems/${i}`, at);
      return v;
    });
  }
  origins.set(out, from);
  return out;
}
