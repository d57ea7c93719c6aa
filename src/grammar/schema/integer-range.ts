/** Integer ranges written digit by digit: which prefixes can still end in range (and on a multiple). */

/** Integers are kept to 15 digits (every one exact in a double). */
export const INT_DIGITS = 15;

/** Fewest bytes of an integer within [lo, hi]. */
export function integerMinBytes(lo: number, hi: number): number {
  if (lo > hi) return Infinity;
  if (lo <= 0 && hi >= 0) return 1;
  return lo > 0 ? String(lo).length : String(hi).length;
}

/**
 * Can an integer starting with these digits (sign, magnitude v, n digits) end within [lo, hi] as a
 * multiple of k? Returns the fewest extra digits needed, or -1.
 */
export function reachable(neg: boolean, v: number, n: number, lo: number, hi: number, k = 1): number {
  for (let j = 0; j + n <= INT_DIGITS; j++) {
    const scale = 10 ** j;
    let a = v * scale;
    let b = j === 0 ? a : a + scale - 1;
    if (neg) [a, b] = [-b, -a];
    const A = Math.max(a, lo);
    const B = Math.min(b, hi);
    if (A <= B && (k === 1 || firstMultiple(A, k) <= B)) return j;
  }
  return -1;
}

/** The least multiple of k at or above A (exact: both within 15 digits). */
function firstMultiple(A: number, k: number): number {
  let m = Math.ceil(A / k) * k;
  // A rounded quotient may land one multiple off.
  if (m - k >= A) m -= k;
  else if (m < A) m += k;
  return m;
}

/** Fewest bytes of an integer within [lo, hi] that is a multiple of k (Infinity: none). */
export function integerMultipleMinBytes(lo: number, hi: number, k: number): number {
  if (k === 1) return integerMinBytes(lo, hi);
  if (lo > hi) return Infinity;
  if (lo <= 0 && hi >= 0) return 1;
  let best = Infinity;
  for (const neg of [false, true]) {
    for (let d = 1; d <= 9; d++) {
      const j = reachable(neg, d, 1, lo, hi, k);
      if (j >= 0) best = Math.min(best, (neg ? 1 : 0) + 1 + j);
    }
  }
  return best;
}

