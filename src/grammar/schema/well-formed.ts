/**
 * Whole-document well-formedness: the JSON Schema 2020-12 meta-schema's rules on keyword values,
 * plus what ajv refuses when it compiles (an empty `enum`, a pattern that is no `u`-flag RegExp, a
 * `$ref` it cannot resolve, a repeated anchor). The engine builds lazily and never looks at parts no
 * value reaches (unused `$defs`, `properties` under `type: "string"`); the final re-validation
 * compiles them with ajv, so a schema is checked whole, once, when the tools are checked.
 */
import { InvalidSchemaError, UnsupportedSchemaError } from '../errors.ts';
import { JSON_TYPES } from './keywords.ts';
import type { SchemaMemo } from './schema-memo.ts';

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const escapePointer = (s: string) => s.replaceAll('~', '~0').replaceAll('/', '~1');

/** An InvalidSchemaError about one keyword, carrying the keyword (as UnsupportedSchemaError does). */
export function invalidKeyword(keyword: string, pointer: string, message: string): InvalidSchemaError {
  return Object.assign(new InvalidSchemaError(message, pointer), { keyword });
}

/** One segment of a `$ref` JSON pointer, decoded (a bad `%` escape is an InvalidSchemaError, not a URIError). */
export function refSegment(part: string, ref: string, pointer: string): string {
  try {
    return decodeURIComponent(part).replaceAll('~1', '/').replaceAll('~0', '~');
  } catch {
    throw invalidKeyword('$ref', pointer, `$ref "${ref}" is not a valid URI reference`);
  }
}

/** What each keyword's value must be; one map lookup per keyword (this runs over every tool). */
type Kind = 'schema' | 'list' | 'map' | 'string' | 'boolean' | 'count' | 'number' | 'other' | 'refused';
const KINDS = new Map<string, Kind>();
const kinds = (kind: Kind, names: string) => names.split(' ').forEach((n) => KINDS.set(n, kind));
kinds('schema', 'items contains additionalProperties propertyNames if then else not unevaluatedItems unevaluatedProperties contentSchema');
kinds('list', 'allOf anyOf oneOf prefixItems');
kinds('map', 'properties patternProperties $defs definitions dependentSchemas');
kinds('string', '$comment title description format contentEncoding contentMediaType');
// Dynamic scope, and $async (ajv makes the validator asynchronous): the engine refuses them where
// it builds, ajv acts on them wherever it compiles. (OpenAPI's nullable and draft-04's id, which
// ajv also reads, are rewritten before any of this: drafts.ts, and validate-plan's copy for ajv.)
kinds('refused', '$dynamicRef $recursiveRef $async');
kinds('boolean', 'deprecated readOnly writeOnly uniqueItems');
kinds('count', 'maxLength minLength maxItems minItems maxContains minContains maxProperties minProperties');
kinds('number', 'maximum minimum exclusiveMaximum exclusiveMinimum');
kinds('other', 'type enum required dependentRequired dependencies multipleOf examples pattern $vocabulary $anchor $dynamicAnchor $recursiveAnchor $id $ref');

/** Single-schema keywords that apply to the value itself, not to a part of it. */
const IN_PLACE = new Set(['not', 'if', 'then', 'else']);
const ANCHOR = /^[A-Za-z_][-A-Za-z0-9._]*$/;
const TYPES: readonly unknown[] = JSON_TYPES;
const uniqueStrings = (v: unknown): boolean => Array.isArray(v) && v.every((x) => typeof x === 'string') && new Set(v).size === v.length;

class Walker {
  private readonly seen = new WeakSet<object>();
  private readonly anchors = new Set<string>();
  /** `$ref` targets still to check as schemas (they may sit outside any schema position). */
  private readonly targets: [unknown, string[]][] = [];
  /** Keys from the root to the current value: pointers are made on error only. */
  private path: string[] = [];
  /** The schema whose keywords are being read, and its edges to schemas applied to the same value. */
  private current: object | undefined;
  private readonly inPlace = new Map<object, { to: unknown; ref: string | undefined }[]>();
  private refs = 0;

  constructor(
    private readonly root: unknown,
    private readonly memo: SchemaMemo,
  ) {}

  run(): void {
    this.schema(this.root);
    for (let t = this.targets.pop(); t; t = this.targets.pop()) {
      this.path = t[1];
      this.schema(t[0]);
    }
    if (this.refs) this.checkCycles();
  }

  private edge(to: unknown, ref?: string): void {
    const from = this.current!;
    let list = this.inPlace.get(from);
    if (!list) this.inPlace.set(from, (list = []));
    list.push({ to, ref });
  }

  /**
   * A loop of `$ref`s and in-place applicators (allOf, anyOf, not, …) never moves into the value:
   * ajv overflows its stack on it, and the engine could never finish such a value.
   */
  private checkCycles(): void {
    const state = new Map<object, 'open' | 'done'>();
    for (const start of this.inPlace.keys()) {
      if (state.has(start)) continue;
      // Depth-first without recursion: a chain of $defs can be long.
      const nodes: object[] = [start];
      const next: number[] = [0];
      const via: (string | undefined)[] = [undefined];
      state.set(start, 'open');
      while (nodes.length) {
        const edges = this.inPlace.get(nodes.at(-1)!) ?? [];
        const i = next[next.length - 1]!++;
        if (i >= edges.length) {
          state.set(nodes.pop()!, 'done');
          next.pop();
          via.pop();
          continue;
        }
        const { to, ref } = edges[i]!;
        if (!isObject(to) || state.get(to) === 'done') continue;
        if (state.get(to) === 'open') {
          // A JSON tree has no loops, so one of the loop's edges is a $ref.
          const at = [...via.slice(nodes.indexOf(to) + 1), ref].find((r) => r !== undefined)!;
          throw new UnsupportedSchemaError('$ref', at, 'a $ref cycle that never moves into the value');
        }
        state.set(to, 'open');
        nodes.push(to);
        next.push(0);
        via.push(ref);
      }
    }
  }

  private pointer(...more: string[]): string {
    return [...this.path, ...more].map((k) => `/${escapePointer(k)}`).join('');
  }

  /** Checks `s` as the schema under `key` (no pop on a throw: the walk ends there). */
  private child(key: string, s: unknown): void {
    this.path.push(key);
    this.schema(s);
    this.path.pop();
  }

  private schema(s: unknown): void {
    if (typeof s === 'boolean') return;
    if (!isObject(s)) throw new InvalidSchemaError('a schema must be an object or a boolean', this.pointer());
    if (this.seen.has(s)) return;
    this.seen.add(s);
    const outer = this.current;
    this.current = s;
    for (const k in s) {
      const kind = KINDS.get(k);
      if (kind === undefined) continue;
      this.path.push(k);
      this.keyword(k, kind, s[k]);
      this.path.pop();
    }
    this.current = outer;
  }

  private must(ok: boolean, k: string, what: string): void {
    if (!ok) throw invalidKeyword(k, this.pointer(), `"${k}" must be ${what}`);
  }

  private keyword(k: string, kind: Kind, v: unknown): void {
    switch (kind) {
      case 'schema':
        if (IN_PLACE.has(k)) this.edge(v);
        return this.schema(v);
      case 'list':
        this.must(Array.isArray(v) && v.length > 0, k, 'a non-empty array of schemas');
        return (v as unknown[]).forEach((s, i) => {
          if (k !== 'prefixItems') this.edge(s);
          this.child(String(i), s);
        });
      case 'map':
        this.must(isObject(v), k, 'an object of schemas');
        for (const name in v as Obj) {
          const e = k === 'patternProperties' ? this.memo.unicodeRegexError(name) : '';
          if (e) throw invalidKeyword(k, this.pointer(name), e);
          if (k === 'dependentSchemas') this.edge((v as Obj)[name]);
          this.child(name, (v as Obj)[name]);
        }
        return;
      case 'string':
        return this.must(typeof v === 'string', k, 'a string');
      case 'boolean':
        return this.must(typeof v === 'boolean', k, 'a boolean');
      case 'count':
        return this.must(typeof v === 'number' && Number.isInteger(v) && v >= 0, k, 'a non-negative integer');
      case 'number':
        return this.must(typeof v === 'number', k, 'a number');
      case 'refused':
        throw new UnsupportedSchemaError(k, this.pointer(), 'refused even where no value reaches it');
      default:
        return this.other(k, v);
    }
  }

  private other(k: string, v: unknown): void {
    switch (k) {
      case 'type': {
        const list = Array.isArray(v) ? v : [v];
        this.must(list.length > 0 && list.every((t) => TYPES.includes(t)), k, `one of ${JSON_TYPES.join(', ')} or a non-empty array of them`);
        return this.must(new Set(list).size === list.length, k, 'an array without repeated types');
      }
      case 'enum':
        return this.must(Array.isArray(v) && v.length > 0, k, 'a non-empty array');
      case 'required':
        return this.must(uniqueStrings(v), k, 'an array of distinct strings');
      case 'dependentRequired':
        return this.must(isObject(v) && Object.values(v).every(uniqueStrings), k, 'an object of arrays of distinct strings');
      case 'dependencies':
        this.must(isObject(v), k, 'an object');
        for (const [name, d] of Object.entries(v as Obj)) {
          if (Array.isArray(d)) this.must(uniqueStrings(d), k, 'an object of schemas or arrays of distinct strings');
          else {
            this.edge(d);
            this.child(name, d);
          }
        }
        return;
      case 'multipleOf':
        return this.must(typeof v === 'number' && v > 0, k, 'a number above 0');
      case 'examples':
        return this.must(Array.isArray(v), k, 'an array');
      case 'pattern': {
        this.must(typeof v === 'string', k, 'a string');
        const e = this.memo.unicodeRegexError(v as string);
        if (e) throw invalidKeyword(k, this.pointer(), e);
        return;
      }
      case '$vocabulary':
        return this.must(isObject(v) && Object.values(v).every((x) => typeof x === 'boolean'), k, 'an object of booleans');
      case '$anchor':
      case '$dynamicAnchor':
      case '$recursiveAnchor':
        this.must(typeof v === 'string' && ANCHOR.test(v), k, 'a name matching /^[A-Za-z_][-A-Za-z0-9._]*$/');
        if (k === '$recursiveAnchor') return;
        // Both kinds of anchor share one namespace (ajv: "resolves to more than one schema").
        if (this.anchors.has(v as string)) throw invalidKeyword(k, this.pointer(), `anchor "${v}" is defined twice`);
        this.anchors.add(v as string);
        return;
      case '$id':
        // Below the root an `$id` starts a new base URI: the engine resolves against the root only.
        if (this.path.length > 1) throw new UnsupportedSchemaError('$id', this.pointer(), '$id below the document root');
        return this.must(typeof v === 'string' && /^[^#]*#?$/.test(v), k, 'a URI reference without a fragment');
      case '$ref':
        this.must(typeof v === 'string', k, 'a string');
        this.targets.push(this.resolve(v as string));
        this.edge(this.targets.at(-1)![0], this.pointer());
        this.refs++;
        return;
    }
  }

  /** The value a local `$ref` points at (own properties only), as the engine resolves it, and its path. */
  private resolve(ref: string): [unknown, string[]] {
    if (!ref.startsWith('#')) throw new UnsupportedSchemaError('$ref', this.pointer(), `non-local reference "${ref}"`);
    if (ref !== '#' && !ref.startsWith('#/')) throw new UnsupportedSchemaError('$ref', this.pointer(), `anchor reference "${ref}"`);
    const here = this.pointer();
    const keys = ref === '#' ? [] : ref.slice(2).split('/').map((part) => refSegment(part, ref, here));
    let cur: unknown = this.root;
    for (const key of keys) {
      const own = (Array.isArray(cur) ? /^(0|[1-9]\d*)$/.test(key) : isObject(cur)) && Object.hasOwn(cur as object, key);
      if (!own) throw invalidKeyword('$ref', here, `$ref "${ref}" points nowhere`);
      cur = (cur as Obj)[key];
    }
    return [cur, keys];
  }
}

/**
 * Throws InvalidSchemaError (with `pointer` and `keyword`) where `schema` is not a well-formed JSON
 * Schema 2020-12 document, anywhere in it, used or not; UnsupportedSchemaError for an `$id` below
 * the root and for a `$ref` that is not a local JSON pointer. Expects plain JSON (checkPlainJson).
 *
 * For example (internal, not exported from the package):
 * ```ts
 * checkWellFormed({ type: 'object', $defs: { x: { type: 5 } } }); // InvalidSchemaError at #/$defs/x/type
 * ```
 */
export function checkWellFormed(schema: unknown, memo: SchemaMemo): void {
  new Walker(schema, memo).run();
}
