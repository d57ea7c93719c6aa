/**
 * Regex AST → Thompson NFA → DFA over code-point classes, then the product with a character
 * counter (min/maxLength), fully explored once so every state knows whether it can still reach an
 * accepted string and the fewest bytes that takes. Dead states are pruned, so a string frame
 * driven by it can never reach a dead end.
 */
import { UnsupportedSchemaError } from '../errors.ts';
import type { Ranges, RegexAst } from './parse.ts';

const MAX_NFA_STATES = 50_000;
const MAX_DFA_STATES = 5_000;
const MAX_PRODUCT_STATES = 300_000;

class Nfa {
  eps: number[][] = [];
  edges: { ranges: Ranges; to: number }[][] = [];
  add(): number {
    if (this.eps.length >= MAX_NFA_STATES) throw new RangeError('regex too large');
    this.eps.push([]);
    this.edges.push([]);
    return this.eps.length - 1;
  }
}

function build(nfa: Nfa, ast: RegexAst): [number, number] {
  switch (ast.t) {
    case 'set': {
      const s = nfa.add();
      const e = nfa.add();
      if (ast.ranges.length) nfa.edges[s]!.push({ ranges: ast.ranges, to: e });
      return [s, e];
    }
    case 'seq': {
      const s = nfa.add();
      let cur = s;
      for (const item of ast.items) {
        const [a, b] = build(nfa, item);
        nfa.eps[cur]!.push(a);
        cur = b;
      }
      return [s, cur];
    }
    case 'alt': {
      const s = nfa.add();
      const e = nfa.add();
      for (const item of ast.items) {
        const [a, b] = build(nfa, item);
        nfa.eps[s]!.push(a);
        nfa.eps[b]!.push(e);
      }
      return [s, e];
    }
    case 'rep': {
      const s = nfa.add();
      let cur = s;
      for (let i = 0; i < ast.min; i++) {
        const [a, b] = build(nfa, ast.item);
        nfa.eps[cur]!.push(a);
        cur = b;
      }
      if (ast.max === Infinity) {
        const [a, b] = build(nfa, ast.item);
        const e = nfa.add();
        nfa.eps[cur]!.push(a, e);
        nfa.eps[b]!.push(a, e);
        return [s, e];
      }
      const e = nfa.add();
      for (let i = ast.min; i < ast.max; i++) {
        const [a, b] = build(nfa, ast.item);
        nfa.eps[cur]!.push(a, e);
        cur = b;
      }
      nfa.eps[cur]!.push(e);
      return [s, e];
    }
  }
}

/** Bytes a code point takes inside a JSON string (escaped where JSON requires it). */
export function jsonCharBytes(cp: number): number {
  if (cp === 0x22 || cp === 0x5c) return 2;
  if (cp < 0x20) return cp === 8 || cp === 9 || cp === 10 || cp === 12 || cp === 13 ? 2 : 6;
  if (cp < 0x80) return 1;
  if (cp < 0x800) return 2;
  if (cp < 0x10000) return 3;
  return 4;
}

/** Cheapest JSON bytes of any code point in [lo, hi]. */
function cheapestIn(lo: number, hi: number): number {
  let best = jsonCharBytes(lo);
  if (lo <= 0x7e && hi >= 0x20) {
    for (let cp = Math.max(lo, 0x20); cp <= Math.min(hi, 0x7e); cp++) {
      if (cp !== 0x22 && cp !== 0x5c) return 1;
    }
  }
  if (lo < 0x20 && hi >= 8) best = Math.min(best, 2);
  return best;
}

/**
 * A string automaton: the regex's DFA in product with a character counter. Node 0 is the start.
 * `edge(node, cls)` is the next node or -1; every reachable node can still be accepted.
 */
export class StringAutomaton {
  /** Start code point of each class; class k covers [classStart[k], classStart[k+1] - 1]. */
  readonly classStart: Int32Array;
  readonly numClasses: number;
  /** Per product node: next node per class, -1 when dead. */
  private readonly edges: Int32Array;
  /** Per node: may the string close here? */
  readonly accepting: Uint8Array;
  /** Per node: fewest JSON bytes to reach an accepting node (excluding the closing quote). */
  readonly minBytes: Int32Array;
  readonly size: number;

  constructor(ast: RegexAst, minLength: number, maxLength: number, pointer: string) {
    const nfa = new Nfa();
    let start: number;
    let accept: number;
    try {
      [start, accept] = build(nfa, ast);
    } catch {
      throw new UnsupportedSchemaError('pattern', pointer, 'the pattern expands to too many states');
    }
    // Alphabet partition from every range boundary.
    const cuts = new Set<number>([0]);
    for (const list of nfa.edges) for (const { ranges } of list) for (const [a, b] of ranges) cuts.add(a).add(b + 1);
    const starts = [...cuts].filter((c) => c <= 0x10ffff).sort((x, y) => x - y);
    this.classStart = Int32Array.from(starts);
    this.numClasses = starts.length;
    const classOf = (cp: number) => this.classOf(cp);

    // Subset construction.
    const closure = (set: number[]): number[] => {
      const seen = new Set(set);
      const stack = [...set];
      while (stack.length) for (const n of nfa.eps[stack.pop()!]!) if (!seen.has(n)) (seen.add(n), stack.push(n));
      return [...seen].sort((x, y) => x - y);
    };
    const dfaIds = new Map<string, number>();
    const dfaSets: number[][] = [];
    const dfaOf = (set: number[]): number => {
      const key = set.join(',');
      let id = dfaIds.get(key);
      if (id === undefined) {
        if (dfaSets.length >= MAX_DFA_STATES) {
          throw new UnsupportedSchemaError('pattern', pointer, 'the pattern needs too many automaton states');
        }
        id = dfaSets.length;
        dfaIds.set(key, id);
        dfaSets.push(set);
      }
      return id;
    };
    dfaOf(closure([start]));
    const dfaNext: Int32Array[] = [];
    for (let d = 0; d < dfaSets.length; d++) {
      const byClass: number[][] = Array.from({ length: this.numClasses }, () => []);
      for (const n of dfaSets[d]!) {
        for (const { ranges, to } of nfa.edges[n]!) {
          for (const [a, b] of ranges) for (let k = classOf(a); k <= classOf(b); k++) byClass[k]!.push(to);
        }
      }
      dfaNext.push(Int32Array.from(byClass, (targets) => (targets.length ? dfaOf(closure(targets)) : -1)));
    }
    const dfaAccept = dfaSets.map((s) => s.includes(accept));

    // Product with the counter; counts past minLength are merged when there is no maxLength.
    const cap = Number.isFinite(maxLength) ? maxLength : minLength;
    const nodeId = new Map<number, number>();
    const nodeDfa: number[] = [];
    const nodeCount: number[] = [];
    const keyOf = (d: number, c: number) => d * (cap + 1) + c;
    const nodeOf = (d: number, c: number): number => {
      const key = keyOf(d, c);
      let id = nodeId.get(key);
      if (id === undefined) {
        if (nodeDfa.length >= MAX_PRODUCT_STATES) {
          throw new UnsupportedSchemaError('pattern', pointer, 'pattern and length bounds combine into too many states');
        }
        id = nodeDfa.length;
        nodeId.set(key, id);
        nodeDfa.push(d);
        nodeCount.push(c);
      }
      return id;
    };
    nodeOf(0, 0);
    const raw: number[] = [];
    for (let n = 0; n < nodeDfa.length; n++) {
      const d = nodeDfa[n]!;
      const c = nodeCount[n]!;
      for (let k = 0; k < this.numClasses; k++) {
        const nd = dfaNext[d]![k]!;
        let target = -1;
        if (nd >= 0 && !(Number.isFinite(maxLength) && c + 1 > maxLength)) target = nodeOf(nd, Math.min(c + 1, cap));
        raw.push(target);
      }
    }
    const size = nodeDfa.length;
    const accepting = new Uint8Array(size);
    for (let n = 0; n < size; n++) accepting[n] = dfaAccept[nodeDfa[n]!] && nodeCount[n]! >= minLength ? 1 : 0;

    // Backward Dijkstra (costs 1..6) from accepting nodes gives min bytes and liveness at once.
    const classCost = Int32Array.from(starts, (lo, k) => cheapestIn(lo, (starts[k + 1] ?? 0x110000) - 1));
    const reverse: number[][] = Array.from({ length: size }, () => []);
    for (let n = 0; n < size; n++) {
      for (let k = 0; k < this.numClasses; k++) {
        const t = raw[n * this.numClasses + k]!;
        if (t >= 0) reverse[t]!.push(n * this.numClasses + k);
      }
    }
    const minBytes = new Int32Array(size).fill(0x3fffffff);
    const buckets: number[][] = [[]];
    for (let n = 0; n < size; n++) if (accepting[n]) (minBytes[n] = 0, buckets[0]!.push(n));
    for (let dist = 0; dist < buckets.length; dist++) {
      for (const n of buckets[dist] ?? []) {
        if (minBytes[n] !== dist) continue;
        for (const e of reverse[n]!) {
          const from = Math.floor(e / this.numClasses);
          const nd = dist + classCost[e % this.numClasses]!;
          if (nd < minBytes[from]!) {
            minBytes[from] = nd;
            (buckets[nd] ??= []).push(from);
          }
        }
      }
    }
    this.edges = Int32Array.from(raw, (t) => (t >= 0 && minBytes[t]! < 0x3fffffff ? t : -1));
    this.accepting = accepting;
    this.minBytes = minBytes;
    this.size = size;
  }

  /** Can any string at all be accepted? */
  get satisfiable(): boolean {
    return this.minBytes[0]! < 0x3fffffff;
  }

  classOf(cp: number): number {
    const s = this.classStart;
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid]! <= cp) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Next node after code point `cp`, or -1. */
  step(node: number, cp: number): number {
    return this.edges[node * this.numClasses + this.classOf(cp)]!;
  }

  /** Fewest bytes to acceptance through some code point in [lo, hi] (excluding that character). */
  bestIn(node: number, lo: number, hi: number): number {
    const base = node * this.numClasses;
    const last = this.classOf(hi);
    let best = Infinity;
    for (let k = this.classOf(lo); k <= last; k++) {
      const t = this.edges[base + k]!;
      if (t >= 0) best = Math.min(best, this.minBytes[t]!);
    }
    return best;
  }

  /** Is some code point in [lo, hi] allowed from `node`? (for partial UTF-8 and escapes) */
  anyIn(node: number, lo: number, hi: number): boolean {
    const base = node * this.numClasses;
    const last = this.classOf(hi);
    for (let k = this.classOf(lo); k <= last; k++) if (this.edges[base + k]! >= 0) return true;
    return false;
  }
}
