/**
 * What reading schemas memoizes, independent of any vocabulary: parsed patterns, pattern sources
 * known to compile as `u`-flag RegExps, the JSON bytes of names, and the registry of checked
 * self-contained schemas. A GrammarCompiler owns one; the free functions (`checkSchema`,
 * `compileGrammar`) use the default compiler's. Passed explicitly to what reads it, so the link from
 * a check to the compile that reuses its nodes shows in the signatures.
 */
import { LruCache } from '../../shared/lru.ts';
import { parseRegex, type RegexAst } from '../regex/parse.ts';
import type { Node } from './nodes.ts';

const encoder = new TextEncoder();

/** Estimated bytes of a parsed pattern: a small object per AST node, two numbers per range. */
function astBytes(a: RegexAst): number {
  switch (a.t) {
    case 'set':
      return 48 + 32 * a.ranges.length;
    case 'rep':
      return 48 + astBytes(a.item);
    default:
      return a.items.reduce((n, i) => n + astBytes(i), 48);
  }
}

/** Bytes a string key takes (two per UTF-16 unit, plus the string's header). */
const keyBytes = (k: string): number => 2 * k.length + 24;

/** A checked schema's node, kept for larger schemas that embed the same object. */
interface Checked {
  json: string;
  node: Node;
  strict: boolean;
}

export class SchemaMemo {
  /** Parsed patterns by (flags, source): equal patterns share one AST, and so one automaton (nodes.ts). */
  private readonly patterns: LruCache<string, RegexAst>;
  /** Sources that compile as `new RegExp(source, 'u')` (as ajv compiles `pattern`). */
  private readonly valid: LruCache<string, true>;
  /** Compact JSON bytes of strings (keys, enum names), which repeat a lot. */
  private readonly names: LruCache<string, Uint8Array>;
  /** Nodes of whole schemas without `$ref`s, by schema object (weak: freed with the object). */
  private checked = new WeakMap<object, Checked>();
  private checkedCount = 0;

  /** `bytes`: the bound of the three tables together (half to names, 3/8 to patterns, 1/8 to sources). */
  constructor(bytes = 16 * 2 ** 20) {
    this.patterns = new LruCache({ entries: 4096, touch: false, bytes: (bytes * 3) / 8, bytesOf: (a, k) => astBytes(a) + keyBytes(k) });
    this.valid = new LruCache({ entries: 8192, touch: false, bytes: bytes / 8, bytesOf: (_v, k) => keyBytes(k) });
    this.names = new LruCache({ entries: 100_000, touch: false, bytes: bytes / 2, bytesOf: (b, k) => b.byteLength + 48 + keyBytes(k) });
  }

  /** Parses a pattern once per (source, flags); errors are not kept, so each schema node reports its own. */
  parsedRegex(source: string, ignoreCase: boolean): RegexAst {
    const key = `${ignoreCase ? 'i' : '-'}${source}`;
    let ast = this.patterns.lookup(key);
    if (!ast) this.patterns.set(key, (ast = parseRegex(source, { ignoreCase })));
    return ast;
  }

  /**
   * Why `source` does not compile as `new RegExp(source, 'u')`, as ajv compiles `pattern` (ECMA-262
   * with the `u` flag: `\-` outside a class, `\_`, `a{`, a lone `]` are errors), or '' when it does.
   */
  unicodeRegexError(source: string): string {
    if (this.valid.lookup(source)) return '';
    try {
      new RegExp(source, 'u');
    } catch (e) {
      return `invalid pattern ${JSON.stringify(source)}: ${(e as Error).message}`;
    }
    this.valid.set(source, true);
    return '';
  }

  /** Compact JSON bytes of a value; strings are memoized. */
  jsonBytes(value: unknown): Uint8Array {
    if (typeof value !== 'string') return encoder.encode(JSON.stringify(value));
    let b = this.names.lookup(value);
    if (!b) this.names.set(value, (b = encoder.encode(JSON.stringify(value))));
    return b;
  }

  /**
   * The registered node of `raw` if its content is still `json` (the check's view), else undefined.
   * A strict reading needs a node checked strictly (a node that passed one reads the same either way).
   */
  selfContainedNode(raw: object, json: string, strict: boolean): Node | undefined {
    const hit = this.checked.get(raw);
    return hit && hit.json === json && (hit.strict || !strict) ? hit.node : undefined;
  }

  /** The node a check registered for this schema object, if any (content not re-verified). */
  sharedNodeOf(raw: unknown, strict: boolean): Node | undefined {
    const hit = typeof raw === 'object' && raw !== null ? this.checked.get(raw) : undefined;
    return hit && (hit.strict || !strict) ? hit.node : undefined;
  }

  registerSelfContained(raw: object, json: string, node: Node, strict: boolean): void {
    const old = this.checked.get(raw);
    // A strict check's entry stays: it serves both readings.
    if (old && old.json === json && old.strict) return;
    if (!old) this.checkedCount++;
    this.checked.set(raw, { json, node, strict });
  }

  /** Entries and (estimated) bytes held; checked schemas are counted as registered (weak entries may be gone). */
  sizes(): { entries: number; bytes: number; byteLimit: number; checkedSchemas: number } {
    const parts = [this.patterns, this.valid, this.names];
    return {
      entries: parts.reduce((n, c) => n + c.size, 0),
      bytes: parts.reduce((n, c) => n + c.bytes, 0),
      byteLimit: parts.reduce((n, c) => n + c.byteLimit, 0),
      checkedSchemas: this.checkedCount,
    };
  }

  /** Drops everything (checked schemas are checked and built again on their next use). */
  clear(): void {
    this.patterns.clear();
    this.valid.clear();
    this.names.clear();
    this.checked = new WeakMap();
    this.checkedCount = 0;
  }
}

/** The memo of the free functions (`checkSchema`, `compileGrammar`, `compileStructure`) and of each vocabulary's default compiler: a check through one is reused by a compile through another. */
export const defaultSchemaMemo = new SchemaMemo();
