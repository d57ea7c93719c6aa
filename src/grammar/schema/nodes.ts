/**
 * The engine's intermediate form of a schema: one node per kind of JSON value, with children built
 * lazily (so a tool's argument grammar is only built once something needs it) and the shortest
 * serialization of each node computed by a fixpoint (recursive $refs included).
 */
import type { RegexAst } from '../regex/parse.ts';
import type { DecimalBounds } from './decimal-bounds.ts';
import { StringAutomaton } from '../regex/automaton.ts';

/** A child built on first use. */
export class Lazy<T> {
  private value: T | undefined;
  constructor(private make: (() => T) | null) {}
  static of<T>(value: T): Lazy<T> {
    const l = new Lazy<T>(null);
    l.value = value;
    return l;
  }
  get(): T {
    if (this.make) {
      this.value = this.make();
      this.make = null;
    }
    return this.value as T;
  }
}

abstract class BaseNode {
  /** Fewest bytes of any document of this node (Infinity: unsatisfiable). Set by minBytesOf. */
  min: number | undefined = undefined;
  constructor(readonly pointer: string) {}
}

/** Any of a fixed set of serialized values (enum, const, true/false/null). */
export class LiteralNode extends BaseNode {
  readonly kind = 'literal';
  constructor(
    /** Canonical compact JSON bytes of each value. */
    readonly values: readonly Uint8Array[],
    pointer: string,
  ) {
    super(pointer);
  }
}

/**
 * Automata by regex and length bounds: a tool set repeats the same few formats (3,000 tools with
 * an email and a date each would otherwise build 6,000 automata). Keyed by the parsed regex, which
 * the schema builder shares across equal patterns; automata are read-only once built.
 */
const automata = new WeakMap<RegexAst, Map<string, StringAutomaton>>();

function sharedAutomaton(regex: RegexAst, minLength: number, maxLength: number, pointer: string): StringAutomaton {
  let byBounds = automata.get(regex);
  if (!byBounds) automata.set(regex, (byBounds = new Map()));
  const key = `${minLength}|${maxLength}`;
  let a = byBounds.get(key);
  // A failure is not cached: the next schema node must get the error with its own pointer.
  if (!a) byBounds.set(key, (a = new StringAutomaton(regex, minLength, maxLength, pointer)));
  return a;
}

export class StringNode extends BaseNode {
  readonly kind = 'string';
  private automatonCache: StringAutomaton | null | undefined;
  constructor(
    readonly minLength: number,
    readonly maxLength: number,
    /** pattern / format as a regex, or null for free text. */
    readonly regex: RegexAst | null,
    pointer: string,
    /** Where the pattern (or format) is written, for the automaton's errors: a merged schema's may lie elsewhere. */
    readonly regexPointer: string = pointer,
  ) {
    super(pointer);
  }
  /** The pattern's automaton (in product with the length bounds), built on first use. */
  get automaton(): StringAutomaton | null {
    if (this.automatonCache === undefined) {
      this.automatonCache = this.regex ? sharedAutomaton(this.regex, this.minLength, this.maxLength, this.regexPointer) : null;
    }
    return this.automatonCache;
  }
}

export class NumberNode extends BaseNode {
  readonly kind = 'number';
  constructor(
    readonly integer: boolean,
    /** Inclusive bounds (integers: integer bounds; numbers: doubles; ±Infinity when unbounded). */
    readonly lo: number,
    readonly hi: number,
    pointer: string,
    /** Bounds of a non-integer number as the decimal frame checks them (null: unbounded, any number). */
    readonly decimal: DecimalBounds | null = null,
    /** Integers only: every value a multiple of this (1: any integer). */
    readonly multipleOf = 1,
  ) {
    super(pointer);
  }
}

export interface PropSpec {
  readonly name: string;
  /** `"name"` as JSON bytes, quotes included. */
  readonly key: Uint8Array;
  readonly required: boolean;
  /** The property's raw schema (compared to find shared prefixes in unions). */
  readonly raw: unknown;
  readonly node: Lazy<Node>;
}

/**
 * `dependentRequired` on declared properties (every name involved is declared, see the builder),
 * as bit sets over the properties involved (at most 30): emitting a trigger requires its dependents.
 */
export class ObjectDeps {
  /** Bit of each property involved, by property index (0 when not involved). */
  readonly bit: Int32Array;
  /** Per property index: bits of the dependents it requires (0: not a trigger). */
  readonly needs: Int32Array;
  /** Per property index: bits of its dependents declared before it (which must be out already). */
  readonly before: Int32Array;

  constructor(count: number, pairs: readonly (readonly [number, readonly number[]])[]) {
    this.bit = new Int32Array(count);
    this.needs = new Int32Array(count);
    this.before = new Int32Array(count);
    let next = 0;
    const bitOf = (j: number) => (this.bit[j] ||= 1 << next++);
    for (const [t, deps] of pairs) {
      bitOf(t);
      for (const d of deps) {
        if (d === t) continue;
        this.needs[t]! |= bitOf(d);
        if (d < t) this.before[t]! |= bitOf(d);
      }
    }
  }

  /** Bits of the properties that the emitted set `emitted` requires. */
  forced(emitted: number): number {
    let out = 0;
    for (let j = 0; j < this.bit.length; j++) if (emitted & this.bit[j]!) out |= this.needs[j]!;
    return out;
  }
}

export class ObjectNode extends BaseNode {
  readonly kind = 'object';
  constructor(
    /** Declared properties in the order the output must use. */
    readonly props: readonly PropSpec[],
    /** Schema of other keys, or null when additional properties are not allowed. */
    readonly additional: Lazy<Node> | null,
    readonly minProps: number,
    readonly maxProps: number,
    pointer: string,
    readonly deps: ObjectDeps | null = null,
    /** `patternProperties`: the schema of an undeclared key then depends on its name. */
    readonly patterns: PatternProps | null = null,
  ) {
    super(pointer);
  }

  /** The schema of the value of undeclared key `name`, or null when no such key is allowed. */
  valueFor(name: string): Node | null {
    if (this.patterns) {
      const node = this.patterns.nodeFor(name);
      if (node) return node;
    }
    return this.additional ? this.additional.get() : null;
  }

  /**
   * Every schema an undeclared key's value may take (additionalProperties, and each set of
   * patterns a name could match): what shortest completions before the name is known bound.
   */
  undeclaredValues(): readonly Node[] {
    // Kept once built: a key frame's minimum reads it on every byte of an undeclared key.
    if (!this.undeclared) {
      const out = this.patterns ? this.patterns.combinations() : [];
      if (this.additional) out.push(this.additional.get());
      this.undeclared = out;
    }
    return this.undeclared;
  }
  private undeclared: readonly Node[] | undefined;
}

/**
 * `patternProperties` beside additionalProperties (absent or a schema): an undeclared name takes
 * the schemas of every pattern it matches (as ajv tests them: `new RegExp(source, 'u')`, not
 * anchored), else the additionalProperties schema. Declared names match no pattern (checked
 * when built), so declared properties are unaffected.
 */
export class PatternProps {
  private readonly byMask = new Map<number, Node>();
  constructor(
    readonly regexes: readonly RegExp[],
    /** The node of the schemas of the patterns in `mask` together (bit i: pattern i). */
    private readonly combine: (mask: number) => Node,
  ) {}

  /** The node for the patterns `name` matches, or null when it matches none. */
  nodeFor(name: string): Node | null {
    let mask = 0;
    for (let i = 0; i < this.regexes.length; i++) if (this.regexes[i]!.test(name)) mask |= 1 << i;
    return mask === 0 ? null : this.node(mask);
  }

  /** The nodes of every non-empty set of patterns. */
  combinations(): Node[] {
    const out: Node[] = [];
    for (let mask = 1; mask < 1 << this.regexes.length; mask++) out.push(this.node(mask));
    return out;
  }

  private node(mask: number): Node {
    let n = this.byMask.get(mask);
    if (!n) this.byMask.set(mask, (n = this.combine(mask)));
    return n;
  }
}

/**
 * `uniqueItems: true` over items that are literals (enum, const, boolean, null): the values grouped
 * into classes of equal JSON (`{"a":1,"b":2}` and `{"b":2,"a":1}` are one), each class usable once.
 */
export class UniqueLiterals {
  /** Class of each value of the items' literal node, by index. */
  readonly classOf: Int32Array;
  /** Fewest bytes of a value of each class. */
  readonly classMin: number[];

  constructor(
    readonly literal: LiteralNode,
    /** Equal values share a key (e.g. JSON with sorted keys). */
    keyOf: (value: Uint8Array) => string,
  ) {
    this.classOf = new Int32Array(literal.values.length);
    const ids = new Map<string, number>();
    this.classMin = [];
    literal.values.forEach((v, i) => {
      const k = keyOf(v);
      let c = ids.get(k);
      if (c === undefined) ids.set(k, (c = this.classMin.length)), this.classMin.push(Infinity);
      this.classOf[i] = c;
      this.classMin[c] = Math.min(this.classMin[c]!, v.length);
    });
  }

  /** Fewest bytes of `n` items of distinct classes not in `used`, each with a separator byte (Infinity: too few left). */
  cheapest(n: number, used: bigint): number {
    if (n <= 0) return 0;
    const left = this.classMin.filter((_, c) => !(used & (1n << BigInt(c)))).sort((a, b) => a - b);
    if (left.length < n) return Infinity;
    let total = 0;
    for (let i = 0; i < n; i++) total += left[i]! + 1;
    return total;
  }
}

export class ArrayNode extends BaseNode {
  readonly kind = 'array';
  constructor(
    readonly prefix: readonly Lazy<Node>[],
    /** Schema of items after the prefix, or null when none are allowed. */
    readonly items: Lazy<Node> | null,
    readonly minItems: number,
    readonly maxItems: number,
    pointer: string,
    /** uniqueItems over literal items (then there is no prefix). */
    readonly unique: UniqueLiterals | null = null,
  ) {
    super(pointer);
  }
  itemAt(i: number): Node | null {
    return i < this.prefix.length ? this.prefix[i]!.get() : (this.items?.get() ?? null);
  }
}

/** A value matching any branch; branches are followed in parallel until the input decides. */
export class UnionNode extends BaseNode {
  readonly kind = 'union';
  constructor(
    readonly branches: readonly Node[],
    pointer: string,
  ) {
    super(pointer);
  }
}

/**
 * A union of object schemas told apart by one property with disjoint literal values (e.g. a plan
 * step per tool, told apart by "tool"). Properties before the discriminator are identical in every
 * branch, so one frame parses them; the discriminator's value picks the branch.
 */
export class DiscriminatedNode extends BaseNode {
  readonly kind = 'discriminated';
  constructor(
    readonly branches: readonly ObjectNode[],
    /** Index of the discriminator in every branch's props. */
    readonly discIndex: number,
    /** Serialized discriminator values and the branch each selects. */
    readonly values: readonly { bytes: Uint8Array; branch: number }[],
    pointer: string,
  ) {
    super(pointer);
  }
}

/** A `$ref`, resolved on first use (so recursive schemas stay finite). */
export class RefNode extends BaseNode {
  readonly kind = 'ref';
  constructor(
    readonly target: Lazy<Node>,
    pointer: string,
  ) {
    super(pointer);
  }
}

export class NeverNode extends BaseNode {
  readonly kind = 'never';
}

export type Node =
  | LiteralNode
  | StringNode
  | NumberNode
  | ObjectNode
  | ArrayNode
  | UnionNode
  | DiscriminatedNode
  | RefNode
  | NeverNode;

/** Follows $refs to a concrete node. */
export function deref(node: Node): Exclude<Node, RefNode> {
  let n: Node = node;
  for (let hops = 0; n.kind === 'ref'; hops++) {
    if (hops > 1000) throw new RangeError('circular $ref');
    n = n.target.get();
  }
  return n;
}
