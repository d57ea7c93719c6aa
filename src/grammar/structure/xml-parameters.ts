/**
 * Arguments as Qwen3.5 / Qwen3-Coder XML: `<parameter=NAME>\nVALUE\n</parameter>\n` per property, in
 * declared order. The chat template writes strings raw (`| string`) and mappings and lists as JSON
 * (`| tojson`), so values whose schema only admits strings and literals are raw text here and every
 * other value is JSON. Reading a value back follows the same rule, so what the grammar lets through
 * parses to arguments valid against the schema.
 */
import { UnsatisfiableSchemaError, UnsupportedSchemaError, XmlParametersSyntaxError } from '../errors.ts';
import { ChoiceFrame, pushText } from './frames.ts';
import { RawTextFrame } from '../frames/raw-text.ts';
import type { Segment } from './segment.ts';
import { LiteralFrame, LiteralTrie, minOf, Stack, DONE, type GrammarContext } from '../frames/stack.ts';
import { ValueFrame } from '../frames/value.ts';
import { buildAll } from '../schema/build-all.ts';
import { SchemaBuilder } from '../schema/build.ts';
import { defaultSchemaMemo, type SchemaMemo } from '../schema/schema-memo.ts';
import { toDraft2020 } from '../schema/drafts.ts';
import { minBytesOf } from '../schema/min-bytes.ts';
import { deref, type LiteralNode, type Node, type ObjectNode, type StringNode } from '../schema/nodes.ts';

const utf8 = new TextEncoder();
/** What closes every value. */
export const PARAMETER_END = '\n</parameter>\n';
const END = utf8.encode(PARAMETER_END);
const OPEN = '<parameter=';

/**
 * The object node of a tool's parameters; anything else cannot be written as XML parameters. A
 * schema `checkSchema` registered is not built again (and is as fresh as its latest check).
 */
export function xmlParametersNode(schema: unknown, strict = false, memo: SchemaMemo = defaultSchemaMemo): ObjectNode {
  const root = deref(memo.sharedNodeOf(schema, strict) ?? new SchemaBuilder(toDraft2020(schema), { strict, memo }).rootNode());
  if (root.kind !== 'object') {
    throw new UnsupportedSchemaError('type', '', 'the XML tool-call format writes the parameters of one object schema');
  }
  if (minBytesOf(root) === Infinity) throw new UnsatisfiableSchemaError('no arguments satisfy this schema', '');
  const required = root.props.filter((p) => p.required).length;
  // Counting properties across optional XML blocks is not implemented; refusing keeps the promise.
  if (root.minProps > required) throw new UnsupportedSchemaError('minProperties', '', 'not enforced by the XML tool-call format');
  if (root.maxProps < root.props.length) throw new UnsupportedSchemaError('maxProperties', '', 'not enforced by the XML tool-call format');
  if (root.deps) throw new UnsupportedSchemaError('dependentRequired', '', 'not enforced by the XML tool-call format');
  if (!writable.has(root)) checkWritable(root, schema);
  writable.add(root);
  return root;
}

/** Object nodes whose names and raw literals were found writable (parsing calls this per call). */
const writable = new WeakSet<ObjectNode>();
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const escapePointer = (s: string) => s.replaceAll('~', '~0').replaceAll('/', '~1');

/**
 * Refuses what the XML blocks cannot carry and read back: a name with `>` or a line break (the
 * opening tag ends there) or a lone surrogate (UTF-8 has none), and a raw string literal that holds
 * the value terminator or a lone surrogate. Names with `<`, `=` or spaces read back fine.
 */
function checkWritable(root: ObjectNode, schema: unknown): void {
  for (const p of root.props) {
    const node = p.node.get();
    if (minOf(node) === Infinity) continue; // never written
    if (/[>\n]/.test(p.name) || LONE_SURROGATE.test(p.name)) {
      const why = 'no ">", line break or lone surrogate in a <parameter=…> tag';
      throw new UnsupportedSchemaError('properties', `/properties/${escapePointer(p.name)}`, `parameter name ${JSON.stringify(p.name)}: ${why}`);
    }
    if (rawForm(node)) checkRawLiterals(node, schema);
  }
}

/** Raw string literals in a value written raw (a literal, or a union of strings and literals). */
function checkRawLiterals(node: Node, schema: unknown): void {
  const n = deref(node);
  if (n.kind === 'union') for (const b of n.branches) checkRawLiterals(b, schema);
  if (n.kind !== 'literal') return;
  for (const l of literalsOf(n)) {
    if (typeof l.value !== 'string') continue;
    // Read back up to the first terminator: the literal must not hold one, nor end in one's start.
    if ((l.text + PARAMETER_END).indexOf(PARAMETER_END) !== l.text.length || LONE_SURROGATE.test(l.text)) {
      const why = 'a raw value cannot hold "\\n</parameter>\\n" or a lone surrogate';
      throw new UnsupportedSchemaError(literalKeyword(schema, n.pointer), n.pointer, `${JSON.stringify(l.text)}: ${why}`);
    }
  }
}

/** `const` when the schema at `pointer` has only that, else `enum`. */
function literalKeyword(schema: unknown, pointer: string): string {
  let cur: unknown = schema;
  for (const part of pointer.split('/').slice(1)) {
    cur = typeof cur === 'object' && cur !== null ? (cur as Record<string, unknown>)[part.replaceAll('~1', '/').replaceAll('~0', '~')] : undefined;
  }
  return typeof cur === 'object' && cur !== null && Object.hasOwn(cur, 'const') && !Object.hasOwn(cur, 'enum') ? 'const' : 'enum';
}

/** A literal as the template writes it, with the value it stands for. */
interface RawLiteral {
  readonly text: string;
  readonly value: unknown;
}

/** How a value is written: raw alternatives (strings and literals), or null for JSON. */
interface RawForm {
  readonly strings: readonly StringNode[];
  readonly literals: readonly RawLiteral[];
}

const forms = new WeakMap<Node, RawForm | null>();

function literalsOf(n: LiteralNode): RawLiteral[] {
  const out: RawLiteral[] = [];
  for (const bytes of n.values) {
    const value: unknown = JSON.parse(new TextDecoder().decode(bytes));
    if (typeof value === 'string') out.push({ text: value, value });
    else {
      out.push({ text: JSON.stringify(value), value });
      // Jinja's `| string` on Python values: True, False, None.
      if (value === true) out.push({ text: 'True', value });
      if (value === false) out.push({ text: 'False', value });
      if (value === null) out.push({ text: 'None', value });
    }
  }
  return out;
}

function rawForm(node: Node): RawForm | null {
  const n = deref(node);
  if (forms.has(n)) return forms.get(n)!;
  let form: RawForm | null = null;
  if (n.kind === 'string') form = { strings: [n], literals: [] };
  else if (n.kind === 'literal') form = { strings: [], literals: literalsOf(n) };
  else if (n.kind === 'union') {
    const strings: StringNode[] = [];
    const literals: RawLiteral[] = [];
    let ok = true;
    for (const branch of n.branches) {
      if (minOf(branch) === Infinity) continue;
      const f = rawForm(branch);
      if (!f) ok = false;
      else strings.push(...f.strings), literals.push(...f.literals);
    }
    if (ok) form = { strings, literals };
  }
  forms.set(n, form);
  return form;
}

/** One value and the `\n</parameter>\n` after it. */
class ValueSegment implements Segment {
  private minCache: number | undefined;
  private trie: LiteralTrie | null | undefined;
  constructor(
    readonly ctx: GrammarContext,
    readonly node: Node,
  ) {}

  get min(): number {
    return (this.minCache ??= this.push(DONE).min);
  }

  push(below: Stack): Stack {
    const form = rawForm(this.node);
    const closed = pushText(END, below);
    if (!form) return new Stack(new ValueFrame(this.ctx, this.node, 0), closed);
    const options: Stack[] = [];
    for (const s of form.strings) if (minOf(s) !== Infinity) options.push(new Stack(RawTextFrame.open(s, END), below));
    if (form.literals.length) {
      this.trie ??= new LiteralTrie(form.literals.map((l) => ({ bytes: utf8.encode(l.text), payload: 0 })));
      options.push(new Stack(new LiteralFrame(this.trie, 0), closed));
    }
    return options.length === 1 ? options[0]! : new Stack(new ChoiceFrame(options, below), below);
  }
}

class ParameterSegment implements Segment {
  readonly min: number;
  private readonly open: Uint8Array;
  private readonly value: ValueSegment;
  constructor(ctx: GrammarContext, name: string, node: Node) {
    this.open = utf8.encode(`<parameter=${name}>\n`);
    this.value = new ValueSegment(ctx, node);
    this.min = this.open.length + this.value.min;
  }
  push(below: Stack): Stack {
    return pushText(this.open, this.value.push(below));
  }
}

/** The parameter blocks of `schema`; `optional` wraps a segment as "zero or one". */
export function xmlParametersSegments(
  ctx: GrammarContext,
  schema: unknown,
  deferChecks: boolean,
  strict: boolean,
  memo: SchemaMemo,
  optional: (s: Segment) => Segment,
): Segment[] {
  const root = xmlParametersNode(schema, strict, memo);
  if (!deferChecks) buildAll(root);
  const out: Segment[] = [];
  for (const p of root.props) {
    const node = p.node.get();
    if (minOf(node) === Infinity) continue;
    const seg = new ParameterSegment(ctx, p.name, node);
    out.push(p.required ? seg : optional(seg));
  }
  return out;
}


/**
 * Reads `<parameter=…>` blocks back from `text` at `at`, typing each value by the schema the same
 * way the grammar wrote it; stops at the first position that does not open a parameter. Returns
 * null when a block is cut off (streamed text).
 *
 * For example (internal, not exported from the package):
 * ```ts
 * readXmlParameters(schema, '<parameter=city>\nLisbon\n</parameter>\n</function>', 0);
 * // { args: { city: 'Lisbon' }, end: 36 }
 * ```
 */
export function readXmlParameters(schema: unknown, text: string, at: number): { args: Record<string, unknown>; end: number } | null {
  const root = xmlParametersNode(schema);
  const args: Record<string, unknown> = {};
  const open = /<parameter=([^>\n]*)>\n/y;
  for (;;) {
    open.lastIndex = at;
    const m = open.exec(text);
    if (!m) {
      // A cut-off opening tag is not the end of the parameters.
      const rest = text.slice(at);
      const cut = rest.length > 0 && (rest.length < OPEN.length ? OPEN.startsWith(rest) : rest.startsWith(OPEN));
      return cut ? null : { args, end: at };
    }
    const name = m[1]!;
    const start = open.lastIndex;
    const end = text.indexOf(PARAMETER_END, start);
    if (end < 0) return null;
    const prop = root.props.find((p) => p.name === name);
    if (!prop) throw new XmlParametersSyntaxError(`unknown parameter ${name}`);
    // Defined, not assigned: `args.__proto__ = …` would set the prototype instead of a property.
    Object.defineProperty(args, name, { value: valueOf(prop.node.get(), text.slice(start, end)), writable: true, enumerable: true, configurable: true });
    at = end + PARAMETER_END.length;
  }
}

/** Reads a whole parameters body (everything between `<function=…>\n` and `</function>`). */
export function parseXmlParameters(schema: unknown, body: string): Record<string, unknown> {
  const r = readXmlParameters(schema, body, 0);
  if (!r) throw new XmlParametersSyntaxError('a parameter is not closed');
  if (r.end !== body.length) throw new XmlParametersSyntaxError(`expected <parameter=…> at ${r.end}`);
  return r.args;
}

function valueOf(node: Node, text: string): unknown {
  const form = rawForm(node);
  if (!form) return JSON.parse(text);
  const lit = form.literals.find((l) => l.text === text);
  // A fresh copy of an object literal: the cached one is shared by every read.
  if (lit) return typeof lit.value === 'object' && lit.value !== null ? JSON.parse(JSON.stringify(lit.value)) : lit.value;
  if (form.strings.length) return text;
  throw new XmlParametersSyntaxError(`${JSON.stringify(text)} is none of the allowed values`);
}
