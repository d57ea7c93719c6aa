/** The sampler's seeded PRNG (mulberry32) with the helpers the fuzzer draws from. */
import { seededRandom } from '../../src/model/rng.ts';

export class Rng {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = seededRandom(seed);
  }
  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }
  /** A fresh 32-bit seed for a sub-generator. */
  seed(): number {
    return Math.floor(this.next() * 2 ** 32);
  }
}
