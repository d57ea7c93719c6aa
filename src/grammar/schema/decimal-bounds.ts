/**
 * Bounds on non-integer numbers, exactly as ajv checks them: on the double a JSON text parses to.
 *
 * A bounded number is written without an exponent, `-?(0|[1-9]\d{0,15})(\.\d{1,16})?`, so its value
 * is an integer count N of units of 1e-16 (at most 32 digits: a BigInt). A text passes
 * `minimum: L` when its parsed double is ≥ L; parsing rounds to nearest and is monotone, so every
 * text whose exact value lies above the midpoint between L and the double below it parses to L or
 * more. The threshold on N is the first unit above that midpoint (a text exactly on it is left
 * out: a tie could round either way). Exclusive bounds are inclusive ones on the next double.
 */

/** Units of 1e-16 per 1. */
export const UNIT = 10n ** 16n;
export const FRAC_DIGITS = 16;
export const INT_DIGITS = 16;
const POW10: bigint[] = Array.from({ length: 34 }, (_, i) => 10n ** BigInt(i));
export const pow10 = (n: number): bigint => POW10[n]!;

/** Inclusive bounds on N (null: unbounded on that side). */
export interface DecimalBounds {
  readonly lo: bigint | null;
  readonly hi: bigint | null;
}

const buf = new DataView(new ArrayBuffer(8));

/** The next double above (dir 1) or below (dir -1) a finite `x`. */
export function nextDouble(x: number, dir: 1 | -1): number {
  if (x === 0) return dir * Number.MIN_VALUE;
  buf.setFloat64(0, x);
  const bits = buf.getBigUint64(0);
  // Away from zero when the step goes the way of the sign, else towards it.
  buf.setBigUint64(0, (x > 0) === (dir > 0) ? bits + 1n : bits - 1n);
  return buf.getFloat64(0);
}

/** `x` (finite) as X / 2^K exactly, K ≥ 0. */
function exact(x: number): { X: bigint; K: number } {
  buf.setFloat64(0, x);
  const bits = buf.getBigUint64(0);
  const neg = bits >> 63n === 1n;
  const exp = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & ((1n << 52n) - 1n);
  const M = exp === 0 ? frac : frac | (1n << 52n);
  const E = (exp === 0 ? 1 : exp) - 1075;
  const X = neg ? -M : M;
  return E >= 0 ? { X: X << BigInt(E), K: 0 } : { X, K: -E };
}

const floorDiv = (a: bigint, b: bigint): bigint => {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
};
export const ceilDiv = (a: bigint, b: bigint): bigint => -floorDiv(-a, b);

/** The midpoint of doubles `a` and `b`, times UNIT: floor (dir -1) or ceiling (dir 1). */
function midUnits(a: number, b: number, dir: 1 | -1): bigint {
  const ea = exact(a);
  const eb = exact(b);
  // a + b = sum / 2^K, so the midpoint is sum / 2^(K+1).
  const K = Math.max(ea.K, eb.K);
  const sum = (ea.X << BigInt(K - ea.K)) + (eb.X << BigInt(K - eb.K));
  const num = sum * UNIT;
  const den = 1n << BigInt(K + 1);
  return dir < 0 ? floorDiv(num, den) : ceilDiv(num, den);
}

/**
 * Fixed-point bounds for doubles `min` ≤ v ≤ `max` (inclusive, after exclusive ones are moved to
 * the next double; ±Infinity: unbounded).
 */
export function decimalBounds(min: number, max: number): DecimalBounds {
  // Beyond ±1e17 a bound cannot cut into 16 integer digits; nextDouble needs a finite value.
  const lo = min === -Infinity || min < -1e17 ? null : min > 1e17 ? UNIT * pow10(18) : midUnits(nextDouble(min, -1), min, -1) + 1n;
  const hi = max === Infinity || max > 1e17 ? null : max < -1e17 ? -UNIT * pow10(18) : midUnits(max, nextDouble(max, 1), 1) - 1n;
  return { lo, hi };
}

/** Does some multiple of `u` in [a, b] lie within the bounds? */
export function fitsMultiple(bounds: DecimalBounds, a: bigint, b: bigint, u: bigint): boolean {
  const A = bounds.lo !== null && bounds.lo > a ? bounds.lo : a;
  const B = bounds.hi !== null && bounds.hi < b ? bounds.hi : b;
  return A <= B && ceilDiv(A, u) * u <= B;
}

/**
 * Where a number is in its text: the sign, then either a free integer part (`intLo`..`intHi` as
 * values with `intDigits` digits so far, more may follow) or a fixed one with `fracDigits` digits of
 * fraction (value `frac`) after the dot.
 */
export interface DecimalPrefix {
  readonly neg: boolean;
  /** Integer digits written (0 at the start: none yet). */
  readonly intDigits: number;
  /** Their value. */
  readonly int: bigint;
  /** May more integer digits follow? (Not after a leading 0 or once the dot is written.) */
  readonly intOpen: boolean;
  /** Has the dot been written? */
  readonly dot: boolean;
  readonly fracDigits: number;
  readonly frac: bigint;
}

/** Is a number with `k` integer digits and `f` fraction digits, consistent with `p`, within the bounds? */
function shapeFits(bounds: DecimalBounds, p: DecimalPrefix, neg: boolean, k: number, f: number): boolean {
  const u = pow10(FRAC_DIGITS - f);
  let a: bigint;
  let b: bigint;
  if (p.dot) {
    const base = (p.int * pow10(p.fracDigits) + p.frac) * pow10(FRAC_DIGITS - p.fracDigits);
    a = base;
    b = base + pow10(FRAC_DIGITS - p.fracDigits) - u;
  } else {
    // The integer part's range with k digits: all of them from the start, else the written prefix extended.
    let iA: bigint;
    let iB: bigint;
    if (p.intDigits === 0) {
      iA = k === 1 ? 0n : pow10(k - 1);
      iB = pow10(k) - 1n;
    } else {
      const scale = pow10(k - p.intDigits);
      iA = p.int * scale;
      iB = iA + scale - 1n;
    }
    a = iA * UNIT;
    b = iB * UNIT + UNIT - u;
  }
  return neg ? fitsMultiple(bounds, -b, -a, u) : fitsMultiple(bounds, a, b, u);
}

/**
 * Fewest bytes still to write after prefix `p` for a number within the bounds (Infinity: none).
 * Shapes are tried cheapest first, so the usual case (the prefix can end here) costs one check.
 */
export function decimalMinExtra(bounds: DecimalBounds, p: DecimalPrefix, signChosen: boolean): number {
  let best = Infinity;
  const signs = signChosen ? [p.neg] : [false, true];
  for (const neg of signs) {
    const signCost = !signChosen && neg ? 1 : 0;
    const kMin = p.dot || !p.intOpen ? p.intDigits : Math.max(1, p.intDigits);
    const kMax = p.dot || !p.intOpen ? p.intDigits : INT_DIGITS;
    const fMin = p.dot ? Math.max(1, p.fracDigits) : 0;
    for (let k = kMin; k <= kMax; k++) {
      const intCost = signCost + k - p.intDigits;
      if (intCost >= best) break;
      for (let f = fMin; f <= FRAC_DIGITS; f++) {
        // The dot costs a byte unless written already.
        const cost = intCost + (f === 0 ? 0 : (p.dot ? 0 : 1) + f - p.fracDigits);
        if (cost >= best) break;
        if (shapeFits(bounds, p, neg, k, f)) {
          best = cost;
          break;
        }
      }
    }
  }
  return best;
}

/** The empty prefix (before the sign). */
export const START: DecimalPrefix = { neg: false, intDigits: 0, int: 0n, intOpen: true, dot: false, fracDigits: 0, frac: 0n };
