/**
 * Raw text closed by a terminator, as XML tool-call values are written (`…value\n</parameter>\n`):
 * any valid UTF-8 without control characters other than tab and newline, never containing the
 * terminator, under the string's length bounds and pattern. The terminator is matched leftmost,
 * the way a parser reading the text back splits it.
 */
import type { StringNode } from '../schema/nodes.ts';
import { modeOf, NORMAL, stringStep } from './string-bytes.ts';
import { automatonAfter, stringOwnMin } from './string.ts';
import { collect, Frame, MaskPath, Stack, stepStack, type Next } from './stack.ts';

const TAB = 0x09;
const NEWLINE = 0x0a;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Byte state of raw text: JSON-string UTF-8 rules, but quotes, backslashes, tabs and newlines are plain characters. */
export function rawStep(bs: number, b: number): number {
  if (modeOf(bs) === NORMAL && (b === QUOTE || b === BACKSLASH || b === TAB || b === NEWLINE)) return NORMAL;
  return stringStep(bs, b);
}

/** Content so far: characters, byte state, automaton node (-1 without a pattern). */
interface Content {
  readonly count: number;
  readonly bs: number;
  readonly auto: number;
}

/** `c` with byte `b` appended, or null when the content would become invalid. */
function extend(node: StringNode, c: Content, b: number): Content | null {
  const r = rawStep(c.bs, b);
  if (r < 0) return null;
  let count = c.count;
  // Every byte in the normal state starts a character: quotes included, unlike in JSON.
  if (modeOf(c.bs) === NORMAL && ++count > node.maxLength) return null;
  const a = node.automaton;
  const auto = a ? automatonAfter(a, c.auto, c.bs, b, r, true) : c.auto;
  if (auto < 0 && a) return null;
  return { count, bs: r, auto };
}

function canClose(node: StringNode, c: Content): boolean {
  if (modeOf(c.bs) !== NORMAL || c.count < node.minLength) return false;
  const a = node.automaton;
  return !a || a.accepting[c.auto] === 1;
}

/** Fewest content bytes before the content may end (the JSON figure: an upper bound for raw text). */
function contentMin(node: StringNode, c: Content): number {
  return stringOwnMin(node, c.count, c.bs, c.auto) - 1;
}

export class RawTextFrame extends Frame {
  constructor(
    readonly node: StringNode,
    readonly end: Uint8Array,
    readonly content: Content,
    /** Bytes of `end` matched so far, not yet part of the content. */
    readonly matched: number,
  ) {
    super();
  }

  static open(node: StringNode, end: Uint8Array): RawTextFrame {
    return new RawTextFrame(node, end, { count: 0, bs: NORMAL, auto: node.automaton ? 0 : -1 }, 0);
  }

  /** The content with the tentatively matched terminator bytes taken back into it. */
  private absorbed(): Content | null {
    let c: Content | null = this.content;
    for (let i = 0; i < this.matched && c; i++) c = extend(this.node, c, this.end[i]!);
    return c;
  }

  step(b: number, self: Stack): Next {
    const { end, matched } = this;
    if (b === end[matched] && (matched > 0 || modeOf(this.content.bs) === NORMAL)) {
      if (matched + 1 < end.length) return new Stack(new RawTextFrame(this.node, end, this.content, matched + 1), self.below);
      return canClose(this.node, this.content) ? self.below : null;
    }
    // Not the terminator here: its first byte was content, and the rest is read again from there.
    if (matched === 0) {
      const next = extend(this.node, this.content, b);
      return next ? new Stack(new RawTextFrame(this.node, end, next, 0), self.below) : null;
    }
    const first = extend(this.node, this.content, end[0]!);
    if (!first) return null;
    let states: Stack[] = [new Stack(new RawTextFrame(this.node, end, first, 0), self.below)];
    for (let i = 1; i <= matched && states.length; i++) {
      const byte = i < matched ? end[i]! : b;
      const out: Stack[] = [];
      for (const s of states) collect(out, stepStack(s, byte));
      states = out;
    }
    return states.length === 0 ? null : states.length === 1 ? states[0]! : states;
  }

  override maskPath(): MaskPath {
    return this.matched === 0 ? MaskPath.RAW_TEXT : MaskPath.WALK;
  }

  ownMin(): number {
    const closeNow = canClose(this.node, this.content) ? this.end.length - this.matched : Infinity;
    if (this.matched === 0) return Math.min(closeNow, contentMin(this.node, this.content) + this.end.length);
    const c = this.absorbed();
    return Math.min(closeNow, c ? contentMin(this.node, c) + this.end.length : Infinity);
  }
}

