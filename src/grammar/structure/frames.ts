/** Frames of structures: fixed text, repetition, and a choice among whole stacks. */
import { collect, Frame, Stack, stepStack, type Next } from '../frames/stack.ts';
import type { Segment } from './segment.ts';

/** Exactly `bytes`, from position `at`. */
export class TextFrame extends Frame {
  constructor(
    readonly bytes: Uint8Array,
    readonly at: number,
  ) {
    super();
  }
  step(b: number, self: Stack): Next {
    if (this.bytes[this.at] !== b) return null;
    return this.at + 1 === this.bytes.length ? self.below : new Stack(new TextFrame(this.bytes, this.at + 1), self.below);
  }
  ownMin(): number {
    return this.bytes.length - this.at;
  }
}

/** `below` with `bytes` to match first (nothing for empty text). */
export function pushText(bytes: Uint8Array, below: Stack): Stack {
  return bytes.length === 0 ? below : new Stack(new TextFrame(bytes, 0), below);
}

/** A repetition after `count` copies: another copy (behind the separator) or, from `min` on, the end. */
export class RepeatFrame extends Frame {
  constructor(
    readonly item: Segment,
    readonly separator: Uint8Array,
    readonly min: number,
    readonly max: number,
    readonly count: number,
  ) {
    super();
  }
  step(b: number, self: Stack): Next {
    const out: Stack[] = [];
    if (this.count < this.max) {
      const after = new Stack(new RepeatFrame(this.item, this.separator, this.min, this.max, this.count + 1), self.below);
      const next = this.item.push(after);
      collect(out, stepStack(this.count === 0 ? next : pushText(this.separator, next), b));
    }
    if (this.count >= this.min) collect(out, stepStack(self.below!, b));
    return out.length === 0 ? null : out.length === 1 ? out[0]! : out;
  }
  ownMin(): number {
    const left = this.min - this.count;
    if (left <= 0) return 0;
    return left * this.item.min + (this.count === 0 ? left - 1 : left) * this.separator.length;
  }
  override canEnd(): boolean {
    return this.count >= this.min;
  }
}

/** Several stacks over the same `below`, followed in parallel until the input decides. */
export class ChoiceFrame extends Frame {
  private readonly own: number;
  constructor(
    readonly options: readonly Stack[],
    below: Stack,
  ) {
    super();
    let m = Infinity;
    for (const o of options) m = Math.min(m, o.min);
    this.own = m - below.min;
  }
  step(b: number): Next {
    const out: Stack[] = [];
    for (const o of this.options) collect(out, stepStack(o, b));
    return out.length === 0 ? null : out.length === 1 ? out[0]! : out;
  }
  ownMin(): number {
    return this.own;
  }
}
