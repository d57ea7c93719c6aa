/** A JSON string value (or an additional object key), free or driven by a pattern automaton. */
import type { StringAutomaton } from '../regex/automaton.ts';
import type { StringNode } from '../schema/nodes.ts';
import {
  appendByte,
  CLOSE,
  completedCodePoint,
  modeOf,
  NORMAL,
  pendingBytes,
  pendingRange,
  REJECT,
  startsChar,
  stringStep,
} from './string-bytes.ts';
import { Frame, MaskPath, Stack, type Next } from './stack.ts';

/** Called with the raw bytes of a key when a string used as an object key closes. */
export type OnClose = (bytes: Uint8Array, below: Stack) => Stack | null;

export class StringFrame extends Frame {
  constructor(
    readonly node: StringNode,
    /** Characters so far (counted at each character's first byte). */
    readonly count: number,
    /** Packed byte state (string-bytes.ts). */
    readonly bs: number,
    /** Automaton node when the string has a pattern/format, else -1. */
    readonly auto: number,
    readonly onClose: OnClose | null = null,
    readonly collected: Uint8Array | null = null,
  ) {
    super();
  }

  /** Free text (no pattern, no key hook): eligible for the vocabulary-wide string cache. */
  get isFree(): boolean {
    return this.auto < 0 && this.onClose === null;
  }

  step(b: number, self: Stack): Next {
    const r = stringStep(this.bs, b);
    if (r === REJECT) return null;
    const a = this.node.automaton;
    if (r === CLOSE) {
      if (this.count < this.node.minLength) return null;
      if (a && !a.accepting[this.auto]) return null;
      return this.onClose ? this.onClose(this.collected!, self.below!) : self.below;
    }
    let count = this.count;
    if (startsChar(this.bs, b) && ++count > this.node.maxLength) return null;
    const auto = a ? automatonAfter(a, this.auto, this.bs, b, r) : this.auto;
    if (auto < 0 && a) return null;
    const collected = this.collected ? appendByte(this.collected, b) : null;
    return new Stack(new StringFrame(this.node, count, r, auto, this.onClose, collected), self.below);
  }

  override maskPath(): MaskPath {
    return this.isFree ? MaskPath.FREE_STRING : MaskPath.BOUND_STRING;
  }

  ownMin(): number {
    return stringOwnMin(this.node, this.count, this.bs, this.auto);
  }
}

/** Fewest bytes that close a string in this state, the quote included (StringFrame.ownMin, allocation-free). */
export function stringOwnMin(node: StringNode, count: number, bs: number, auto: number): number {
  const a = node.automaton;
  const pend = pendingBytes(bs);
  if (!a) return pend + 1 + Math.max(0, node.minLength - count);
  return automatonOwnMin(a, bs, auto);
}

/** stringOwnMin for a string with a pattern automaton (its length bounds are part of the automaton). */
export function automatonOwnMin(a: StringAutomaton, bs: number, auto: number): number {
  if (modeOf(bs) === NORMAL) return 1 + a.minBytes[auto]!;
  // Mid-character: finish it through the cheapest live code point (via \uXXXX after a backslash).
  const [lo, hi] = pendingRange(bs);
  const extra = modeOf(bs) === 1 ? 5 : pendingBytes(bs);
  return extra + 1 + a.bestIn(auto, lo, hi);
}

/**
 * The pattern automaton's node after byte `b` took a string from byte state `bs` to `r`: stepped on a
 * completed code point, kept while some code point of a pending character is still live, -1 when
 * the pattern rejects. In raw text (no escapes) a quote or backslash is itself a character.
 */
export function automatonAfter(a: StringAutomaton, auto: number, bs: number, b: number, r: number, raw = false): number {
  const cp = raw && modeOf(bs) === NORMAL && b < 0x80 ? b : completedCodePoint(bs, b);
  if (cp >= 0) return a.step(auto, cp);
  const [lo, hi] = pendingRange(r);
  return a.anyIn(auto, lo, hi) ? auto : -1;
}

/** A string frame just after its opening quote. */
export function openString(node: StringNode, onClose: OnClose | null = null): StringFrame {
  return new StringFrame(node, 0, NORMAL, node.automaton ? 0 : -1, onClose, onClose ? new Uint8Array(0) : null);
}
