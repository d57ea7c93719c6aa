/**
 * A JSON number. Integers: -?(0|[1-9]\d{0,14}) within inclusive bounds, checked digit by digit so
 * a prefix is only allowed if some completion lands in range. Numbers:
 * -?(0|[1-9]\d{0,15})(\.\d{1,16})?([eE][+-]?\d{1,2})? — bounded, so never endless and never Infinity.
 */
import type { NumberNode } from '../schema/nodes.ts';
import { INT_DIGITS, integerMultipleMinBytes, reachable } from '../schema/integer-range.ts';
import { Frame, Stack, stepStack, type Next } from './stack.ts';

const enum P {
  Start,
  Minus,
  Zero,
  Int,
  Dot,
  Frac,
  E,
  ESign,
  Exp,
}

const NUM_INT_DIGITS = 16;
const FRAC_DIGITS = 16;
const EXP_DIGITS = 2;

const isDigit = (b: number) => b >= 0x30 && b <= 0x39;

export class NumberFrame extends Frame {
  constructor(
    readonly node: NumberNode,
    readonly phase: P,
    readonly neg: boolean,
    /** Magnitude of the integer part (integers only) or digit count for plain numbers. */
    readonly value: number,
    readonly digits: number,
  ) {
    super();
  }

  static start(node: NumberNode): NumberFrame {
    return new NumberFrame(node, P.Start, false, 0, 0);
  }

  private to(self: Stack, phase: P, neg: boolean, value: number, digits: number): Stack {
    return new Stack(new NumberFrame(this.node, phase, neg, value, digits), self.below);
  }

  step(b: number, self: Stack): Next {
    const { node, neg } = this;
    const { lo, hi } = node;
    const d = b - 0x30;
    switch (this.phase) {
      case P.Start:
        if (b === 0x2d) return !node.integer || this.negativeReachable() ? this.to(self, P.Minus, true, 0, 0) : null;
        if (d === 0) return !node.integer || (lo <= 0 && hi >= 0) ? this.to(self, P.Zero, false, 0, 1) : null;
        if (d >= 1 && d <= 9) {
          return !node.integer || reachable(false, d, 1, lo, hi, node.multipleOf) >= 0 ? this.to(self, P.Int, false, d, 1) : null;
        }
        return null;
      case P.Minus:
        if (d === 0) return node.integer ? null : this.to(self, P.Zero, true, 0, 1);
        if (d >= 1 && d <= 9) {
          return !node.integer || reachable(true, d, 1, lo, hi, node.multipleOf) >= 0 ? this.to(self, P.Int, true, d, 1) : null;
        }
        return null;
      case P.Zero:
      case P.Int: {
        if (isDigit(b) && this.phase === P.Int) {
          const limit = node.integer ? INT_DIGITS : NUM_INT_DIGITS;
          if (this.digits >= limit) return null;
          const v = this.value * 10 + d;
          if (node.integer && reachable(neg, v, this.digits + 1, lo, hi, node.multipleOf) < 0) return null;
          return this.to(self, P.Int, neg, node.integer ? v : 0, this.digits + 1);
        }
        if (!node.integer && b === 0x2e) return this.to(self, P.Dot, neg, 0, 0);
        if (!node.integer && (b === 0x65 || b === 0x45)) return this.to(self, P.E, neg, 0, 0);
        return this.canEnd() ? stepStack(self.below!, b) : null;
      }
      case P.Dot:
        return isDigit(b) ? this.to(self, P.Frac, neg, 0, 1) : null;
      case P.Frac:
        if (isDigit(b)) return this.digits < FRAC_DIGITS ? this.to(self, P.Frac, neg, 0, this.digits + 1) : null;
        if (b === 0x65 || b === 0x45) return this.to(self, P.E, neg, 0, 0);
        return stepStack(self.below!, b);
      case P.E:
        if (b === 0x2b || b === 0x2d) return this.to(self, P.ESign, neg, 0, 0);
        return isDigit(b) ? this.to(self, P.Exp, neg, 0, 1) : null;
      case P.ESign:
        return isDigit(b) ? this.to(self, P.Exp, neg, 0, 1) : null;
      case P.Exp:
        if (isDigit(b)) return this.digits < EXP_DIGITS ? this.to(self, P.Exp, neg, 0, this.digits + 1) : null;
        return stepStack(self.below!, b);
    }
  }

  /** Is some negative integer in range (a multiple of the node's multipleOf) reachable after `-`? */
  private negativeReachable(): boolean {
    return this.minAfterMinus() !== Infinity;
  }

  /** Fewest digits after `-` to a negative integer in range (Infinity: none). */
  private minAfterMinus(): number {
    const { lo, hi, multipleOf } = this.node;
    if (multipleOf === 1) return lo <= -1 ? (hi <= -1 ? String(-hi).length : 1) : Infinity;
    let best = Infinity;
    for (let d = 1; d <= 9; d++) {
      const j = reachable(true, d, 1, lo, hi, multipleOf);
      if (j >= 0) best = Math.min(best, 1 + j);
    }
    return best;
  }

  override canEnd(): boolean {
    switch (this.phase) {
      case P.Zero:
        return true;
      case P.Int: {
        if (!this.node.integer) return true;
        const v = this.neg ? -this.value : this.value;
        return v >= this.node.lo && v <= this.node.hi && v % this.node.multipleOf === 0;
      }
      case P.Frac:
      case P.Exp:
        return true;
      default:
        return false;
    }
  }

  ownMin(): number {
    const { lo, hi, integer } = this.node;
    switch (this.phase) {
      case P.Start:
        return integer ? integerMultipleMinBytes(lo, hi, this.node.multipleOf) : 1;
      case P.Minus:
        return integer ? this.minAfterMinus() : 1;
      case P.Int:
        return integer ? Math.max(0, reachable(this.neg, this.value, this.digits, lo, hi, this.node.multipleOf)) : 0;
      case P.Dot:
      case P.E:
      case P.ESign:
        return 1;
      default:
        return 0;
    }
  }
}
