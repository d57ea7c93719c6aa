/** Structure → segments: the compiled form the matcher's frames run on. */
import { InvalidSchemaError, UnsatisfiableSchemaError } from '../errors.ts';
import { LiteralFrame, LiteralTrie, minOf, Stack, type GrammarContext } from '../frames/stack.ts';
import { ValueFrame } from '../frames/value.ts';
import { buildAll } from '../schema/build-all.ts';
import { SchemaBuilder } from '../schema/build.ts';
import type { SchemaMemo } from '../schema/schema-memo.ts';
import { toDraft2020 } from '../schema/drafts.ts';
import type { Node } from '../schema/nodes.ts';
import { pushText, RepeatFrame } from './frames.ts';
import type { Segment } from './segment.ts';
import type { Structure } from './spec.ts';
import { xmlParametersSegments } from './xml-parameters.ts';

const utf8 = new TextEncoder();

class TextSegment implements Segment {
  readonly bytes: Uint8Array;
  readonly min: number;
  constructor(text: string) {
    this.bytes = utf8.encode(text);
    this.min = this.bytes.length;
  }
  push(below: Stack): Stack {
    return pushText(this.bytes, below);
  }
}

class JsonSegment implements Segment {
  readonly min: number;
  constructor(
    readonly ctx: GrammarContext,
    readonly node: Node,
  ) {
    this.min = minOf(node);
  }
  push(below: Stack): Stack {
    return new Stack(new ValueFrame(this.ctx, this.node, 0), below);
  }
}

class SequenceSegment implements Segment {
  readonly min: number;
  constructor(readonly items: readonly Segment[]) {
    this.min = items.reduce((m, s) => m + s.min, 0);
  }
  push(below: Stack): Stack {
    let s = below;
    for (let i = this.items.length - 1; i >= 0; i--) s = this.items[i]!.push(s);
    return s;
  }
}

class RepeatSegment implements Segment {
  readonly min: number;
  private readonly start: RepeatFrame;
  constructor(item: Segment, separator: Uint8Array, minCount: number, maxCount: number) {
    this.start = new RepeatFrame(item, separator, minCount, maxCount, 0);
    this.min = this.start.ownMin();
  }
  push(below: Stack): Stack {
    return new Stack(this.start, below);
  }
}

class SelectSegment implements Segment {
  readonly min: number;
  private readonly trie: LiteralTrie;
  constructor(readonly options: readonly { prefix: Uint8Array; then: Segment }[]) {
    this.trie = new LiteralTrie(options.map((o, i) => ({ bytes: o.prefix, payload: i, extra: o.then.min })));
    this.min = this.trie.restFrom(0);
  }
  push(below: Stack): Stack {
    return new Stack(new LiteralFrame(this.trie, 0, (i, b) => this.options[i]!.then.push(b)), below);
  }
}

/** Whitespace contexts shared by the JSON parts of one compiled structure, and the check policy. */
export interface Contexts {
  readonly compact: GrammarContext;
  readonly flexible: GrammarContext;
  /** Skip building schemas whole at compile (see CompileOptions.deferChecks). */
  readonly deferChecks: boolean;
  /** Refuse keywords and formats the engine does not enforce (see CompileOptions.strict). */
  readonly strict: boolean;
  /** The compiler's schema memo: checked tool schemas are not built twice. */
  readonly memo: SchemaMemo;
}

function checkPrefixFree(prefixes: readonly Uint8Array[], pointer: string): void {
  const sorted = prefixes.map((p, i) => ({ p, i, s: new TextDecoder().decode(p) })).sort((a, b) => (a.s < b.s ? -1 : a.s > b.s ? 1 : 0));
  for (let k = 1; k < sorted.length; k++) {
    if (sorted[k]!.s.startsWith(sorted[k - 1]!.s)) {
      throw new InvalidSchemaError(`select prefix ${JSON.stringify(sorted[k - 1]!.s)} is a prefix of ${JSON.stringify(sorted[k]!.s)}`, `${pointer}/options/${sorted[k]!.i}/prefix`);
    }
  }
}

function count(v: unknown, pointer: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new InvalidSchemaError('must be a non-negative integer', pointer);
  return v;
}

/** Compiles `s`; `pointer` locates it in the whole structure for errors. */
export function buildSegment(s: Structure, ctx: Contexts, pointer = ''): Segment {
  switch (s.type) {
    case 'text':
      if (typeof s.text !== 'string') throw new InvalidSchemaError('text must be a string', `${pointer}/text`);
      return new TextSegment(s.text);
    case 'json': {
      // A tool schema the planner checked already is not built twice.
      const node = ctx.memo.sharedNodeOf(s.schema, ctx.strict) ?? new SchemaBuilder(toDraft2020(s.schema), { strict: ctx.strict, memo: ctx.memo }).rootNode();
      if (!ctx.deferChecks) buildAll(node);
      const seg = new JsonSegment(s.whitespace === 'flexible' ? ctx.flexible : ctx.compact, node);
      if (seg.min === Infinity) throw new UnsatisfiableSchemaError('no JSON value satisfies this schema', `${pointer}/schema`);
      return seg;
    }
    case 'xml_parameters':
      return new SequenceSegment(xmlParametersSegments(ctx.flexible, s.schema, ctx.deferChecks, ctx.strict, ctx.memo, (p) => new RepeatSegment(p, new Uint8Array(0), 0, 1)));
    case 'sequence':
      if (!Array.isArray(s.items)) throw new InvalidSchemaError('items must be an array', `${pointer}/items`);
      return new SequenceSegment(s.items.map((x, i) => buildSegment(x, ctx, `${pointer}/items/${i}`)));
    case 'select': {
      if (!Array.isArray(s.options) || s.options.length === 0) throw new InvalidSchemaError('options must be a non-empty array', `${pointer}/options`);
      const options = s.options.map((o, i) => ({ prefix: utf8.encode(o.prefix), then: buildSegment(o.then, ctx, `${pointer}/options/${i}/then`) }));
      checkPrefixFree(options.map((o) => o.prefix), pointer);
      return new SelectSegment(options);
    }
    case 'repeat': {
      const min = count(s.min, `${pointer}/min`);
      const max = count(s.max, `${pointer}/max`);
      if (max < min) throw new InvalidSchemaError('max must be at least min', `${pointer}/max`);
      return new RepeatSegment(buildSegment(s.item, ctx, `${pointer}/item`), utf8.encode(s.separator ?? ''), min, max);
    }
    default:
      throw new InvalidSchemaError(`unknown structure type ${JSON.stringify((s as { type: unknown }).type)}`, `${pointer}/type`);
  }
}
