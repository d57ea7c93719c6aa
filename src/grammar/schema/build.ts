/**
 * Raw JSON Schema → nodes. Every keyword is either enforced, ignored as an annotation, or refused
 * with UnsupportedSchemaError and its JSON pointer. Children are built lazily.
 */
import { InvalidSchemaError, UnsupportedSchemaError } from '../errors.ts';
import { FORMAT_PATTERNS } from '../regex/formats.ts';
import { RegexSyntaxError, UnsupportedRegexFeature, type RegexAst } from '../regex/parse.ts';
import { accepts } from './accepts.ts';
import { decimalBounds, nextDouble } from './decimal-bounds.ts';
import { sameJson } from './json.ts';
import { ANNOTATIONS, constrains, FORMATS, INERT_STRING_FORMATS, JSON_TYPES, REFUSED, REFUSED_FORMATS, STRICT_ANNOTATIONS, SUPPORTED, type JsonType } from './keywords.ts';
import { mergeSchemas, omit, pointerOf, type RawSchema } from './merge.ts';
import { defaultSchemaMemo, type SchemaMemo } from './schema-memo.ts';
import { invalidKeyword, refSegment } from './well-formed.ts';
import {
  ArrayNode,
  deref,
  DiscriminatedNode,
  Lazy,
  LiteralNode,
  NeverNode,
  NumberNode,
  ObjectDeps,
  ObjectNode,
  PatternProps,
  RefNode,
  StringNode,
  UnionNode,
  UniqueLiterals,
  type Node,
  type PropSpec,
} from './nodes.ts';

/** Integers are kept to 15 digits so every one is exact in a double (no 1e308, no Infinity). */
export const MAX_INTEGER = 999_999_999_999_999;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** An error about keyword `k` of `raw` (at `pointer`): at that keyword, wherever a merge took it from. */
const bad = (raw: unknown, pointer: string, k: string, what: string) => invalidKeyword(k, pointerOf(raw, pointer, k), `"${k}" must be ${what}`);
const isNonNegInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** Branches of a oneOf that are checked pairwise for exclusivity at most. */
const MAX_PAIRWISE_ONEOF = 64;


/** Meeting a schema again while building it: a loop that never moves into the value (unless peeked, see `peek`). */
class ReentryError extends UnsupportedSchemaError {
  constructor(pointer: string) {
    super('$ref', pointer, 'a $ref cycle that never moves into the value');
  }
}

/** How a schema is read. */
export interface BuildOptions {
  /**
   * Refuse every keyword and format the engine does not enforce, annotations of JSON Schema 2020-12
   * aside (default false: unknown keywords and formats constrain nothing and are ignored, as the
   * specification and ajv read them; known assertions the engine cannot enforce are refused either way).
   */
  strict?: boolean;
}

export class SchemaBuilder {
  /** Did building follow any `$ref`? (Then nodes depend on this root and cannot be shared.) */
  usedRefs = false;
  private readonly refs = new Map<string, RefNode>();
  private readonly resolved = new Map<string, { raw: unknown; pointer: string }>();
  private readonly built = new WeakMap<object, Node>();
  private readonly building = new Set<object>();
  private anyNode: Node | undefined;
  private readonly strict: boolean;
  private readonly memo: SchemaMemo;

  /** `memo`: the compiler's patterns, names and checked schemas, whose nodes are reused (default: the free functions'). */
  constructor(
    private readonly root: unknown,
    options: BuildOptions & { memo?: SchemaMemo } = {},
  ) {
    this.strict = options.strict ?? false;
    this.memo = options.memo ?? defaultSchemaMemo;
    if (typeof root !== 'boolean' && !isObject(root)) {
      throw new InvalidSchemaError('a schema must be an object or a boolean', '');
    }
  }

  /** The node of the whole document. */
  rootNode(): Node {
    return this.build(this.root, '');
  }

  /** Any JSON value. */
  any(): Node {
    if (!this.anyNode) {
      const any = new Lazy(() => this.any());
      this.anyNode = new UnionNode(
        [
          new ObjectNode([], any, 0, Infinity, ''),
          new ArrayNode([], any, 0, Infinity, ''),
          new StringNode(0, Infinity, null, ''),
          new NumberNode(false, -Infinity, Infinity, ''),
          new LiteralNode(['true', 'false', 'null'].map((s) => this.memo.jsonBytes(JSON.parse(s))), ''),
        ],
        '',
      );
    }
    return this.anyNode;
  }

  build(raw: unknown, pointer: string): Node {
    if (raw === true) return this.any();
    if (raw === false) return new NeverNode(pointer);
    if (!isObject(raw)) throw new InvalidSchemaError('a schema must be an object or a boolean', pointer);
    const shared = raw !== this.root ? this.memo.sharedNodeOf(raw, this.strict) : undefined;
    if (shared) return shared;
    const hit = this.built.get(raw);
    if (hit) return hit;
    // Children are lazy, so meeting `raw` again while building it is a loop on the same value.
    if (this.building.has(raw)) throw new ReentryError(pointer);
    this.building.add(raw);
    try {
      const node = this.buildObject(raw, pointer);
      this.built.set(raw, node);
      return node;
    } finally {
      this.building.delete(raw);
    }
  }

  private buildObject(raw: Record<string, unknown>, pointer: string): Node {
    this.checkKeywords(raw, pointer);
    const constraining = Object.keys(raw).filter(constrains);
    if (constraining.length === 1 && constraining[0] === '$ref') return this.ref(raw.$ref as string, pointer, pointerOf(raw, pointer, '$ref'));
    if ('$ref' in raw || 'allOf' in raw) {
      const flat = this.flatten(raw, pointer, 0);
      return typeof flat === 'boolean' ? this.build(flat, pointer) : this.buildObject(flat, pointer);
    }
    if ('not' in raw) return this.negated(raw, pointer);
    if ('enum' in raw || 'const' in raw) return this.literal(raw, pointer);
    if ('anyOf' in raw || 'oneOf' in raw) return this.union(raw, pointer);
    return this.typed(raw, pointer);
  }

  private checkKeywords(raw: Record<string, unknown>, pointer: string): void {
    for (const k in raw) {
      if (ANNOTATIONS.has(k)) continue;
      const v = raw[k];
      // No closures or pointer strings unless there is an error: this loop runs for every node of every tool.
      if (!SUPPORTED.has(k)) {
        // Unknown keywords constrain nothing; known assertions left unenforced must not be skipped.
        if (REFUSED.has(k) || (this.strict && !STRICT_ANNOTATIONS.has(k))) throw new UnsupportedSchemaError(k, pointerOf(raw, pointer, k));
        continue;
      }
      switch (k) {
        case 'type': {
          const list = Array.isArray(v) ? v : [v];
          if (list.length === 0 || !list.every((t) => (JSON_TYPES as readonly unknown[]).includes(t))) {
            throw bad(raw, pointer, k, `one of ${JSON_TYPES.join(', ')} or an array of them`);
          }
          break;
        }
        case 'properties':
        case 'patternProperties':
          if (!isObject(v)) throw bad(raw, pointer, k, 'an object');
          break;
        case 'required':
          if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw bad(raw, pointer, k, 'an array of strings');
          break;
        case 'enum':
          if (!Array.isArray(v)) throw bad(raw, pointer, k, 'an array');
          break;
        case 'anyOf':
        case 'oneOf':
        case 'allOf':
        case 'prefixItems':
          if (!Array.isArray(v) || (k !== 'prefixItems' && v.length === 0)) throw bad(raw, pointer, k, 'a non-empty array');
          break;
        case 'items':
        case 'additionalProperties':
        case 'not':
        case 'propertyNames':
          if (typeof v !== 'boolean' && !isObject(v)) throw bad(raw, pointer, k, 'a schema');
          break;
        case 'minLength':
        case 'maxLength':
        case 'minItems':
        case 'maxItems':
        case 'minProperties':
        case 'maxProperties':
          if (!isNonNegInt(v)) throw bad(raw, pointer, k, 'a non-negative integer');
          break;
        case 'minimum':
        case 'maximum':
        case 'exclusiveMinimum':
        case 'exclusiveMaximum':
        case 'multipleOf':
          if (typeof v !== 'number') throw bad(raw, pointer, k, 'a number');
          break;
        case 'pattern':
        case 'format':
        case '$ref':
          if (typeof v !== 'string') throw bad(raw, pointer, k, 'a string');
          // Checked even where no string is allowed (`type: "integer"`): ajv compiles it anyway.
          if (k === 'pattern') {
            const e = this.memo.unicodeRegexError(v);
            if (e) throw invalidKeyword(k, pointerOf(raw, pointer, k), e);
          }
          if (k === 'format' && !FORMATS.has(v) && (REFUSED_FORMATS.has(v) || (this.strict && !INERT_STRING_FORMATS.has(v)))) {
            throw new UnsupportedSchemaError('format', pointerOf(raw, pointer, k), `format "${v}"`);
          }
          break;
        case 'dependentRequired':
        case 'dependencies':
          if (!isObject(v)) throw bad(raw, pointer, k, 'an object');
          for (const name in v) {
            const d = v[name];
            if (Array.isArray(d) && d.every((x) => typeof x === 'string')) continue;
            if (k === 'dependencies' && (typeof d === 'boolean' || isObject(d))) {
              throw new UnsupportedSchemaError(k, pointerOf(raw, pointer, k, name), 'schema dependencies (dependentSchemas)');
            }
            throw bad(raw, pointer, k, 'an object of arrays of strings');
          }
          break;
        case 'uniqueItems':
          if (typeof v !== 'boolean') throw bad(raw, pointer, k, 'a boolean');
          // true is enforced over literal items only (see array()); refused there otherwise.
          break;
        case '$id':
          if (pointer !== '') throw new UnsupportedSchemaError('$id', pointerOf(raw, pointer, k), '$id below the document root');
          break;
      }
    }
  }

  /** `refPointer`: where the `$ref` keyword itself is (its schema, `pointer`, may be a merged one). */
  private resolve(ref: string, pointer: string, refPointer: string): { raw: unknown; pointer: string } {
    this.usedRefs = true;
    // A plan schema refers to each tool's $defs entry once per step: resolve each reference once.
    let hit = this.resolved.get(ref);
    if (!hit) this.resolved.set(ref, (hit = this.resolveUncached(ref, pointer, refPointer)));
    return hit;
  }

  private resolveUncached(ref: string, pointer: string, refPointer: string): { raw: unknown; pointer: string } {
    if (!ref.startsWith('#')) throw new UnsupportedSchemaError('$ref', pointer, `non-local reference "${ref}"`);
    const path = ref.slice(1);
    if (path !== '' && !path.startsWith('/')) {
      throw new UnsupportedSchemaError('$ref', pointer, `anchor reference "${ref}"`);
    }
    let cur: unknown = this.root;
    // The target's JSON pointer from its decoded keys: `#/%24defs/a` is at `/$defs/a`.
    let at = '';
    for (const part of path === '' ? [] : path.slice(1).split('/')) {
      const key = refSegment(part, ref, refPointer);
      at += `/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
      if (Array.isArray(cur)) cur = cur[Number(key)];
      else if (isObject(cur)) cur = cur[key];
      else cur = undefined;
      if (cur === undefined) throw new InvalidSchemaError(`$ref "${ref}" points nowhere`, refPointer);
    }
    return { raw: cur, pointer: at };
  }

  private ref(ref: string, pointer: string, refPointer: string): Node {
    const target = this.resolve(ref, pointer, refPointer);
    let node = this.refs.get(target.pointer);
    if (!node) {
      node = new RefNode(new Lazy(() => this.build(target.raw, target.pointer)), pointer);
      this.refs.set(target.pointer, node);
    }
    return node;
  }

  /** Inlines a top-level $ref and allOf into one raw schema. */
  private flatten(raw: RawSchema, pointer: string, depth: number): RawSchema {
    if (typeof raw === 'boolean') return raw;
    if (depth > 64) throw new UnsupportedSchemaError('$ref', pointer, 'circular $ref through allOf');
    this.checkKeywords(raw, pointer);
    const { $ref, allOf } = raw;
    // Each merged part keeps where it came from (see pointerOf), so errors name the user's keyword.
    let acc: RawSchema = omit(raw, ['$ref', 'allOf']);
    if (typeof $ref === 'string') {
      const t = this.resolve($ref, pointer, pointerOf(raw, pointer, '$ref'));
      acc = mergeSchemas(acc, pointer, this.flatten(t.raw as RawSchema, t.pointer, depth + 1), t.pointer);
    }
    if (Array.isArray(allOf)) {
      allOf.forEach((s, i) => {
        const at = pointerOf(raw, pointer, 'allOf', String(i));
        acc = mergeSchemas(acc, pointer, this.flatten(s as RawSchema, at, depth + 1), at);
      });
    }
    return acc;
  }

  /**
   * `not`, where it can be enforced exactly: `not: false` (nothing excluded), `not: true` or `{}`
   * (everything), `not` of a `type` (the types left: excluding integers from numbers cannot be
   * written, refused), and `not` of `const` / `enum` where the schema itself is a set of values
   * (those values dropped) or cannot hold the excluded ones anyway.
   */
  private negated(raw: Record<string, unknown>, pointer: string): Node {
    const n = raw.not;
    const rest = omit(raw, ['not']);
    const at = pointerOf(raw, pointer, 'not');
    const refuse = (why: string) => new UnsupportedSchemaError('not', at, why);
    if (n === false) return this.build(rest, pointer);
    if (n === true) return new NeverNode(pointer);
    const inner = n as Record<string, unknown>;
    this.checkKeywords(inner, at);
    const keys = Object.keys(inner).filter(constrains);
    if (keys.length === 0) return new NeverNode(pointer);
    if (keys.length === 1 && keys[0] === 'type') {
      const list = (t: unknown) => new Set((Array.isArray(t) ? t : [t]) as JsonType[]);
      const excluded = list(inner.type);
      const allowed = rest.type === undefined ? new Set<JsonType>(JSON_TYPES) : list(rest.type);
      if (excluded.has('number')) allowed.delete('integer');
      if (excluded.has('integer') && !excluded.has('number') && allowed.has('number')) throw refuse('not an integer, among numbers');
      for (const t of excluded) allowed.delete(t);
      if (allowed.size === 0) return new NeverNode(pointer);
      return this.build(Object.assign(rest, { type: [...allowed] }), pointer);
    }
    if (keys.every((k) => k === 'const' || k === 'enum')) {
      const out: unknown[] = [];
      if ('enum' in inner) out.push(...(inner.enum as unknown[]));
      if ('const' in inner) out.push(inner.const);
      // Both given: only values in both are excluded.
      const excluded = 'enum' in inner && 'const' in inner ? out.slice(0, -1).filter((v) => sameJson(v, inner.const)) : out;
      const node = deref(this.build(rest, pointer));
      if (node.kind === 'literal') {
        const keyOf = (v: unknown) => JSON.stringify(sortedJson(v));
        const drop = new Set(excluded.map(keyOf));
        const kept = node.values.filter((v) => !drop.has(keyOf(JSON.parse(UTF8.decode(v)))));
        return kept.length ? new LiteralNode(kept, pointer) : new NeverNode(pointer);
      }
      if (node.kind === 'never' || excluded.every((v) => !accepts(node, v))) return node;
      throw refuse('not of values the schema may hold, beside other values');
    }
    throw refuse(`not of ${keys.join(', ')}`);
  }

  private literal(raw: Record<string, unknown>, pointer: string): Node {
    const { enum: e, const: c } = raw;
    const rest = omit(raw, ['enum', 'const']);
    let values: unknown[] = Array.isArray(e) ? e : [c];
    if ('const' in raw && Array.isArray(e)) values = e.filter((v) => JSON.stringify(v) === JSON.stringify(c));
    // Most enums stand alone: only build the sibling constraints when there are some.
    const alone = !Object.keys(rest).some(constrains);
    const restNode = alone ? null : this.build(rest, pointer);
    const kept = restNode ? values.filter((v) => accepts(restNode, v)) : values;
    return kept.length ? new LiteralNode(kept.map((v) => this.memo.jsonBytes(v)), pointer) : new NeverNode(pointer);
  }

  private union(raw: Record<string, unknown>, pointer: string): Node {
    const { anyOf, oneOf } = raw;
    const rest = omit(raw, ['anyOf', 'oneOf']);
    // Refusals of a union name the schema that holds it (which, merged, is the part that has it).
    const holder = (k: string) => pointerOf(raw, pointer, k).slice(0, -`/${k}`.length);
    if (anyOf && oneOf) throw new UnsupportedSchemaError('oneOf', holder('oneOf'), 'anyOf and oneOf in one schema');
    const keyword = anyOf ? 'anyOf' : 'oneOf';
    const list = (anyOf ?? oneOf) as unknown[];
    const restConstrains = Object.keys(rest).some(constrains);
    const branches = list.map((b, i) => {
      const at = pointerOf(raw, pointer, keyword, String(i));
      if (!restConstrains) return this.build(b, at);
      const merged = mergeSchemas(rest, pointer, this.flatten(b as RawSchema, at, 0), at);
      return this.build(merged, at);
    });
    return this.makeUnion(branches, keyword === 'oneOf', pointer, holder(keyword));
  }

  /**
   * The node behind `lazy`, or null when making it now would re-enter a schema still being built:
   * a union whose branch's property refers back to the union (`{"anyOf": [{"properties": {"x":
   * {"$ref": "#"}}, …}, …]}`) moves into the value, so it is no loop; its property is simply not a
   * discriminator. The property is made later, when the union is done.
   */
  private peek(lazy: Lazy<Node>): Node | null {
    try {
      return deref(lazy.get());
    } catch (e) {
      if (e instanceof ReentryError) return null;
      throw e;
    }
  }

  /** `holder`: the schema the `oneOf` is written in, for the error when its branches may overlap. */
  private makeUnion(input: Node[], exclusive: boolean, pointer: string, holder: string): Node {
    const branches = input.flatMap((b) => (b.kind === 'union' ? [...b.branches] : [b]));
    if (branches.length === 1) return branches[0]!;
    const objects = branches.map(deref);
    if (objects.every((b) => b.kind === 'object')) {
      const d = this.discriminate(objects as ObjectNode[], pointer);
      if (d) return d;
    }
    if (exclusive) {
      if (branches.length > MAX_PAIRWISE_ONEOF || !this.pairwiseDisjoint(branches)) {
        throw new UnsupportedSchemaError('oneOf', holder, 'branches are not provably exclusive');
      }
    }
    return new UnionNode(branches, pointer);
  }

  /**
   * Finds a property that is required in every branch with disjoint literal values. With identical
   * properties before it, the union becomes one DiscriminatedNode; otherwise branches still
   * exclude each other, so a plain union keeps oneOf semantics.
   */
  private discriminate(branches: ObjectNode[], pointer: string): Node | null {
    const first = branches[0]!;
    for (let di = 0; di < first.props.length; di++) {
      const p = first.props[di]!;
      if (!p.required) continue;
      const seen = new Set<string>();
      const values: { bytes: Uint8Array; branch: number }[] = [];
      let ok = true;
      let samePrefix = true;
      for (let b = 0; b < branches.length && ok; b++) {
        const props = branches[b]!.props;
        const idx = props.findIndex((q) => q.name === p.name);
        const q = props[idx];
        const lit = q && q.required ? this.peek(q.node) : null;
        if (!lit || lit.kind !== 'literal') {
          ok = false;
          break;
        }
        for (const v of lit.values) {
          const key = v.join(',');
          if (seen.has(key)) ok = false;
          seen.add(key);
          values.push({ bytes: v, branch: b });
        }
        if (samePrefix && (idx !== di || !props.slice(0, di).every((x, i) => sameProp(x, first.props[i]!)))) {
          samePrefix = false;
        }
      }
      if (!ok) continue;
      // One frame parses the prefix only when every prefix property is required (fixed count).
      if (samePrefix && first.props.slice(0, di).every((x) => x.required)) return new DiscriminatedNode(branches, di, values, pointer);
      return new UnionNode(branches, pointer);
    }
    return null;
  }

  private pairwiseDisjoint(branches: Node[]): boolean {
    for (let i = 0; i < branches.length; i++) {
      for (let j = i + 1; j < branches.length; j++) if (!this.disjoint(branches[i]!, branches[j]!, 0)) return false;
    }
    return true;
  }

  /**
   * Can no value satisfy both nodes? Proven by: the first byte (kind of value); literals the other
   * node rejects; disjoint number ranges or string lengths; for objects, a property one requires and
   * the other forbids, or one both require with disjoint values (to a small depth). False when
   * unsure (the oneOf is then refused).
   */
  private disjoint(x: Node, y: Node, depth: number): boolean {
    const a = deref(x);
    const b = deref(y);
    if (a.kind === 'never' || b.kind === 'never') return true;
    const fa = firstBytes(a);
    const fb = firstBytes(b);
    if (![...fa].some((k) => fb.has(k))) return true;
    if (a.kind === 'union' || a.kind === 'discriminated') return a.branches.every((c) => this.disjoint(c, b, depth));
    if (b.kind === 'union' || b.kind === 'discriminated') return b.branches.every((c) => this.disjoint(a, c, depth));
    if (a.kind === 'literal' && b.kind === 'literal') {
      const sa = new Set(a.values.map((v) => JSON.stringify(sortedJson(JSON.parse(UTF8.decode(v))))));
      return !b.values.some((v) => sa.has(JSON.stringify(sortedJson(JSON.parse(UTF8.decode(v))))));
    }
    if (a.kind === 'literal') return literalsOutside(a, b);
    if (b.kind === 'literal') return literalsOutside(b, a);
    if (a.kind === 'number' && b.kind === 'number') return a.hi < b.lo || b.hi < a.lo;
    if (a.kind === 'string' && b.kind === 'string') return a.maxLength < b.minLength || b.maxLength < a.minLength;
    if (a.kind === 'object' && b.kind === 'object' && depth < 3) return this.objectsDisjoint(a, b, depth) || this.objectsDisjoint(b, a, depth);
    return false;
  }

  /** Does `a` require a property `b` forbids, or one both require with disjoint values? */
  private objectsDisjoint(a: ObjectNode, b: ObjectNode, depth: number): boolean {
    for (const p of a.props) {
      if (!p.required) continue;
      const q = b.props.find((x) => x.name === p.name);
      // Forbidden as written (a node may be stricter than its schema, e.g. a format: not that).
      if (!q) {
        if (b.additional === null) return true;
        continue;
      }
      if (q.raw === false) return true;
      if (!q.required) continue;
      const pn = this.peek(p.node);
      const qn = this.peek(q.node);
      if (pn && qn && this.disjoint(pn, qn, depth + 1)) return true;
    }
    return false;
  }

  private typed(raw: Record<string, unknown>, pointer: string): Node {
    const declared = raw.type === undefined ? null : new Set((Array.isArray(raw.type) ? raw.type : [raw.type]) as JsonType[]);
    const has = (t: JsonType) => declared === null || declared.has(t);
    const branches: Node[] = [];
    if (has('object')) branches.push(this.object(raw, pointer));
    if (has('array')) branches.push(this.array(raw, pointer));
    if (has('string')) branches.push(this.string(raw, pointer));
    if (has('number')) branches.push(this.number(raw, false, pointer));
    else if (has('integer')) branches.push(this.number(raw, true, pointer));
    const lits: string[] = [];
    if (has('boolean')) lits.push('true', 'false');
    if (has('null')) lits.push('null');
    if (lits.length) branches.push(new LiteralNode(lits.map((s) => this.memo.jsonBytes(JSON.parse(s))), pointer));
    if (branches.length === 0) return new NeverNode(pointer);
    return branches.length === 1 ? branches[0]! : new UnionNode(branches, pointer);
  }

  private object(input: Record<string, unknown>, pointer: string): ObjectNode {
    const raw = 'propertyNames' in input ? this.namedOnly(input, pointer) : input;
    const properties = (raw.properties ?? {}) as Record<string, unknown>;
    const required = new Set((raw.required ?? []) as string[]);
    const addl = raw.additionalProperties;
    const props: PropSpec[] = Object.entries(properties).map(([name, schema]) => ({
      name,
      key: this.memo.jsonBytes(name),
      required: required.has(name),
      raw: schema,
      node: new Lazy(() => this.build(schema, pointerOf(raw, pointer, 'properties', name))),
    }));
    // Required names without a declared schema take the additionalProperties schema; so do the
    // names dependentRequired mentions (optional), so that every name involved has a position.
    const depPairs = dependencyPairs(raw);
    const extra = [...required, ...depPairs.flatMap(([t, ds]) => [t, ...ds])];
    for (const name of extra) {
      if (Object.hasOwn(properties, name) || props.some((p) => p.name === name)) continue;
      const schema = addl === undefined ? true : addl;
      props.push({
        name,
        key: this.memo.jsonBytes(name),
        required: required.has(name),
        raw: schema,
        node: new Lazy(() => this.build(schema, pointerOf(raw, pointer, 'additionalProperties'))),
      });
    }
    let deps: ObjectDeps | null = null;
    if (depPairs.length) {
      const index = (name: string) => props.findIndex((p) => p.name === name);
      const pairs = depPairs.map(([t, ds]) => [index(t), ds.map(index)] as const);
      if (new Set(pairs.flatMap(([t, ds]) => [t, ...ds])).size > 30) {
        const k = 'dependentRequired' in raw ? 'dependentRequired' : 'dependencies';
        throw new UnsupportedSchemaError(k, pointerOf(raw, pointer, k), 'more than 30 properties involved in dependencies');
      }
      deps = new ObjectDeps(props.length, pairs);
    }
    return new ObjectNode(
      props,
      this.optionalChild(addl, pointerOf(raw, pointer, 'additionalProperties')),
      count(raw.minProperties, 0),
      count(raw.maxProperties, Infinity),
      pointer,
      deps,
      this.patternProps(raw, pointer, props),
    );
  }

  /**
   * `patternProperties` where the engine enforces it exactly: beside an additionalProperties that
   * allows keys (absent, true or a schema: an undeclared name then picks its value's schema by the
   * patterns it matches once written, whatever it is), at most 8 patterns, no declared name
   * matching one (it would need both schemas at once), no `propertyNames`. With
   * `additionalProperties: false` the names themselves would have to match a pattern as they are
   * written — refused.
   */
  private patternProps(raw: Record<string, unknown>, pointer: string, props: readonly PropSpec[]): PatternProps | null {
    const pp = raw.patternProperties as Record<string, unknown> | undefined;
    if (pp === undefined) return null;
    const at = pointerOf(raw, pointer, 'patternProperties');
    const sources = Object.keys(pp);
    if (sources.length === 0) return null;
    const refuse = (why: string): never => {
      throw new UnsupportedSchemaError('patternProperties', at, why);
    };
    if (raw.additionalProperties === false) refuse('with additionalProperties false, names would have to be written to match a pattern: not enforced');
    if ('propertyNames' in raw) refuse('beside propertyNames: not enforced');
    if (sources.length > 8) refuse('more than 8 patterns');
    const regexes = sources.map((src) => {
      const e = this.memo.unicodeRegexError(src);
      if (e) throw new InvalidSchemaError(e, pointerOf(raw, pointer, 'patternProperties', src));
      return new RegExp(src, 'u');
    });
    for (const p of props) {
      const i = regexes.findIndex((r) => r.test(p.name));
      if (i >= 0) refuse(`the declared property ${JSON.stringify(p.name)} matches the pattern ${JSON.stringify(sources[i])}: not enforced`);
    }
    return new PatternProps(regexes, (mask) => {
      const parts = sources.filter((_, i) => mask & (1 << i));
      // One pattern: its schema as written; several: all of them, merged as allOf is.
      if (parts.length === 1) return this.build(pp[parts[0]!], pointerOf(raw, pointer, 'patternProperties', parts[0]!));
      let merged: RawSchema = true;
      for (const src of parts) {
        const where = pointerOf(raw, pointer, 'patternProperties', src);
        merged = mergeSchemas(merged, at, this.flatten(pp[src] as RawSchema, where, 0), where);
      }
      return this.build(merged, at);
    });
  }

  /**
   * `propertyNames` where it names the keys outright: `true` (nothing), `false` (no key), or a
   * `const` / `enum` of names — then those names are the only properties: declared ones outside
   * the set get the schema `false`, the others are declared with the additionalProperties schema,
   * and no other key is allowed. Any other constraint on names is refused.
   */
  private namedOnly(raw: Record<string, unknown>, pointer: string): Record<string, unknown> {
    const pn = raw.propertyNames;
    const out = omit(raw, ['propertyNames']);
    if (pn === true) return out;
    let names: string[];
    if (pn === false) names = [];
    else {
      const p = pn as Record<string, unknown>;
      this.checkKeywords(p, pointerOf(raw, pointer, 'propertyNames'));
      const keys = Object.keys(p).filter(constrains);
      if (keys.length === 0) return out;
      if (!keys.every((k) => k === 'const' || k === 'enum' || k === 'type')) {
        throw new UnsupportedSchemaError('propertyNames', pointerOf(raw, pointer, 'propertyNames'), 'propertyNames other than true, false, const or enum');
      }
      // Names are strings: other values name nothing (and a type other than string allows no name).
      const types = p.type === undefined ? ['string'] : Array.isArray(p.type) ? p.type : [p.type];
      let values: unknown[] = 'enum' in p ? (p.enum as unknown[]) : [p.const];
      if ('const' in p && 'enum' in p) values = values.filter((v) => sameJson(v, p.const));
      names = types.includes('string') ? [...new Set(values.filter((v): v is string => typeof v === 'string'))] : [];
    }
    const declared = (raw.properties ?? {}) as Record<string, unknown>;
    const addl = raw.additionalProperties === undefined ? true : raw.additionalProperties;
    const properties: Record<string, unknown> = {};
    const define = (k: string, v: unknown) => Object.defineProperty(properties, k, { value: v, enumerable: true, writable: true, configurable: true });
    for (const k of Object.keys(declared)) define(k, names.includes(k) ? declared[k] : false);
    for (const k of names) if (!Object.hasOwn(declared, k)) define(k, addl);
    return Object.assign(out, { properties, additionalProperties: false });
  }

  /** additionalProperties / items: absent or true allows anything, false nothing (null). */
  private optionalChild(schema: unknown, at: string): Lazy<Node> | null {
    if (schema === false) return null;
    return new Lazy(() => (schema === undefined || schema === true ? this.any() : this.build(schema, at)));
  }

  private array(raw: Record<string, unknown>, pointer: string): ArrayNode {
    if (raw.uniqueItems === true) return this.uniqueArray(raw, pointer);
    const prefix = ((raw.prefixItems ?? []) as unknown[]).map(
      (s, i) => new Lazy(() => this.build(s, pointerOf(raw, pointer, 'prefixItems', String(i)))),
    );
    return new ArrayNode(
      prefix,
      this.optionalChild(raw.items, pointerOf(raw, pointer, 'items')),
      count(raw.minItems, 0),
      count(raw.maxItems, Infinity),
      pointer,
    );
  }

  /** `uniqueItems: true`: enforced when every item is one of a set of literals (enum, const, boolean, null). */
  private uniqueArray(raw: Record<string, unknown>, pointer: string): ArrayNode {
    const refuse = () => new UnsupportedSchemaError('uniqueItems', pointerOf(raw, pointer, 'uniqueItems'), 'uniqueItems: true, except over enum / const / boolean / null items');
    if (Array.isArray(raw.prefixItems) && raw.prefixItems.length) throw refuse();
    const at = pointerOf(raw, pointer, 'items');
    const items = raw.items === undefined || raw.items === true ? null : raw.items === false ? false : this.build(raw.items, at);
    const maxItems = count(raw.maxItems, Infinity);
    const minItems = count(raw.minItems, 0);
    // No items allowed, or at most one: uniqueness constrains nothing.
    if (items === false || maxItems <= 1) {
      return new ArrayNode([], items === false ? null : Lazy.of(items ?? this.any()), minItems, maxItems, pointer);
    }
    const lit = items ? deref(items) : null;
    if (!lit || lit.kind !== 'literal') throw refuse();
    const unique = new UniqueLiterals(lit, (v) => JSON.stringify(sortedJson(JSON.parse(UTF8.decode(v)))));
    return new ArrayNode([], Lazy.of(lit), minItems, Math.min(maxItems, unique.classMin.length), pointer, unique);
  }

  private string(raw: Record<string, unknown>, pointer: string): StringNode {
    // (the memo shares one AST per pattern, so equal patterns share their automaton too.)
    let regex: RegexAst | null = null;
    // Own keys only: a format called "constructor" is no format.
    const fmt = typeof raw.format === 'string' && Object.hasOwn(FORMAT_PATTERNS, raw.format) ? FORMAT_PATTERNS[raw.format] : undefined;
    if (typeof raw.pattern === 'string' && fmt) {
      throw new UnsupportedSchemaError('format', pointerOf(raw, pointer, 'format'), 'format together with pattern');
    }
    const source = typeof raw.pattern === 'string' ? { source: raw.pattern, ignoreCase: false } : undefined;
    const re = source ?? fmt;
    // Where the pattern (or format) was written: automaton limits are reported there too.
    const at = re ? pointerOf(raw, pointer, source ? 'pattern' : 'format') : pointer;
    if (re) {
      try {
        regex = this.memo.parsedRegex(re.source, re.ignoreCase);
      } catch (e) {
        if (e instanceof UnsupportedRegexFeature) throw new UnsupportedSchemaError('pattern', at, e.message);
        if (e instanceof RegexSyntaxError) throw new InvalidSchemaError(`invalid pattern: ${e.message}`, at);
        throw e;
      }
    }
    return new StringNode(count(raw.minLength, 0), count(raw.maxLength, Infinity), regex, pointer, at);
  }

  private number(raw: Record<string, unknown>, integer: boolean, pointer: string): NumberNode {
    // ajv-formats' number formats: int32 and int64 are integers (int32 in 32 bits), float and double anything.
    const intFormat = raw.format === 'int32' || raw.format === 'int64';
    if (intFormat) integer = true;
    // A positive integer multipleOf: its multiples are integers, checked exactly (ajv divides in
    // floating point, exact for integers in 15 digits). A fractional one (0.01) ajv reads with
    // rounding errors (0.3 is no multiple of 0.1 to it): refused.
    const mult = raw.multipleOf;
    if (mult !== undefined) {
      if (typeof mult !== 'number' || !Number.isInteger(mult) || mult < 1 || mult > MAX_INTEGER) {
        throw new UnsupportedSchemaError('multipleOf', pointerOf(raw, pointer, 'multipleOf'), 'multipleOf other than a positive integer');
      }
      integer = true;
    }
    const bounds = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'].filter((k) => k in raw);
    if (!integer) {
      if (!bounds.length) return new NumberNode(false, -Infinity, Infinity, pointer);
      // ajv compares the parsed double: exclusive bounds are inclusive ones on the next double.
      let lo = -Infinity;
      let hi = Infinity;
      if (typeof raw.minimum === 'number') lo = raw.minimum;
      if (typeof raw.exclusiveMinimum === 'number') lo = Math.max(lo, nextDouble(raw.exclusiveMinimum, 1));
      if (typeof raw.maximum === 'number') hi = raw.maximum;
      if (typeof raw.exclusiveMaximum === 'number') hi = Math.min(hi, nextDouble(raw.exclusiveMaximum, -1));
      return new NumberNode(false, lo, hi, pointer, decimalBounds(lo, hi));
    }
    let lo = -MAX_INTEGER;
    let hi = MAX_INTEGER;
    if (typeof raw.minimum === 'number') lo = Math.max(lo, Math.ceil(raw.minimum));
    if (typeof raw.exclusiveMinimum === 'number') lo = Math.max(lo, Math.floor(raw.exclusiveMinimum) + 1);
    if (typeof raw.maximum === 'number') hi = Math.min(hi, Math.floor(raw.maximum));
    if (typeof raw.exclusiveMaximum === 'number') hi = Math.min(hi, Math.ceil(raw.exclusiveMaximum) - 1);
    if (raw.format === 'int32') {
      lo = Math.max(lo, -(2 ** 31));
      hi = Math.min(hi, 2 ** 31 - 1);
    }
    return new NumberNode(true, lo, hi, pointer, null, typeof mult === 'number' ? mult : 1);
  }
}

/** `dependentRequired` and the array form of `dependencies` (ajv applies both in 2020-12), as pairs. */
function dependencyPairs(raw: Record<string, unknown>): [string, string[]][] {
  const out: [string, string[]][] = [];
  for (const k of ['dependentRequired', 'dependencies']) {
    const v = raw[k];
    if (!isObject(v)) continue;
    for (const name in v) {
      const d = v[name] as string[];
      if (d.some((x) => x !== name)) out.push([name, d]);
    }
  }
  return out;
}

const UTF8 = new TextDecoder();

/** JSON with object keys sorted, deeply (equal JSON values get equal texts). */
function sortedJson(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortedJson);
  if (!isObject(v)) return v;
  return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortedJson(v[k])]));
}

/** A validated count keyword, or its default. */
const count = (v: unknown, dflt: number): number => (typeof v === 'number' ? v : dflt);

function sameProp(a: PropSpec, b: PropSpec): boolean {
  return a.name === b.name && a.required === b.required && JSON.stringify(a.raw) === JSON.stringify(b.raw);
}

/**
 * Are all of `lit`'s values outside `other`, as JSON Schema (ajv) reads `other`? Only where the
 * node reads exactly as its schema: numbers within 15 digits, strings by length (a pattern or format
 * may be stricter than ajv's), literals by JSON equality.
 */
function literalsOutside(lit: LiteralNode, other: Node): boolean {
  const o = deref(other);
  return lit.values.every((bytes) => {
    const v = JSON.parse(UTF8.decode(bytes)) as unknown;
    if (o.kind === 'number') return typeof v !== 'number' || (Math.abs(v) <= MAX_INTEGER && !accepts(o, v));
    if (o.kind === 'string') return typeof v !== 'string' || (o.regex === null && !accepts(o, v));
    return false;
  });
}

/** What the first byte of a value of this node can be, by kind. */
function firstBytes(node: Node): Set<string> {
  const n = deref(node);
  switch (n.kind) {
    case 'object':
    case 'discriminated':
      return new Set(['{']);
    case 'array':
      return new Set(['[']);
    case 'string':
      return new Set(['"']);
    case 'number':
      return new Set(['num']);
    case 'literal':
      return new Set(n.values.map((v) => (v[0] === 0x2d || (v[0]! >= 0x30 && v[0]! <= 0x39) ? 'num' : String.fromCharCode(v[0]!))));
    case 'union':
      return new Set(n.branches.flatMap((b) => [...firstBytes(b)]));
    case 'never':
      return new Set();
  }
}
