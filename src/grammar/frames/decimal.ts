/**
 * A JSON number with bounds that are not integers only (`minimum: 0`, `maximum: 1` on a
 * `temperature`): `-?(0|[1-9]\d{0,15})(\.\d{1,16})?`, no exponent, each byte allowed only if some
 * completion parses to a double within the bounds (see schema/decimal-bounds.ts for the exact rule).
 */
import { decimalMinExtra, FRAC_DIGITS, INT_DIGITS, START, type DecimalBounds, type DecimalPrefix } from '../schema/decimal-bounds.ts';
import type { NumberNode } from '../schema/nodes.ts';
import { Frame, Stack, stepStack, type Next } from './stack.ts';

export class DecimalFrame extends Frame {
  /** Fewest bytes to a number within the bounds (Infinity: this prefix leads to none). */
  private readonly extra: number;

  private constructor(
    readonly node: NumberNode,
    readonly bounds: DecimalBounds,
    readonly prefix: DecimalPrefix,
    /** Has the sign (or the first digit) been written? */
    readonly started: boolean,
  ) {
    super();
    this.extra = decimalMinExtra(bounds, prefix, started);
  }

  static start(node: NumberNode, bounds: DecimalBounds): DecimalFrame {
    return new DecimalFrame(node, bounds, START, false);
  }

  /** `self` with this frame moved on to `p`, or null when no number within the bounds starts so. */
  private to(self: Stack, p: DecimalPrefix): Stack | null {
    const f = new DecimalFrame(this.node, this.bounds, p, true);
    return f.extra === Infinity ? null : new Stack(f, self.below);
  }

  step(b: number, self: Stack): Next {
    const p = this.prefix;
    const d = b - 0x30;
    const digit = d >= 0 && d <= 9;
    if (!this.started && b === 0x2d) return this.to(self, { ...p, neg: true });
    if (!p.dot) {
      if (digit && p.intDigits === 0) return this.to(self, { ...p, intDigits: 1, int: BigInt(d), intOpen: d !== 0 });
      if (digit && p.intOpen && p.intDigits < INT_DIGITS) return this.to(self, { ...p, intDigits: p.intDigits + 1, int: p.int * 10n + BigInt(d) });
      if (p.intDigits > 0 && b === 0x2e) return this.to(self, { ...p, intOpen: false, dot: true });
    } else if (digit && p.fracDigits < FRAC_DIGITS) {
      return this.to(self, { ...p, fracDigits: p.fracDigits + 1, frac: p.frac * 10n + BigInt(d) });
    }
    return this.canEnd() ? stepStack(self.below!, b) : null;
  }

  override canEnd(): boolean {
    return this.extra === 0;
  }

  ownMin(): number {
    return this.extra;
  }
}
