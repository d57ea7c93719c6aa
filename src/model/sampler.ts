/**
 * Choosing the next token from (masked) logits: greedy, or temperature with top-k and top-p, from
 * a seeded generator so a run with a `seed` is reproducible.
 */
import { seededRandom } from './rng.ts';
import { noAllowedToken } from './errors.ts';

export interface SamplingOptions {
  /** 0 (default) = greedy; the AgentJSON card recommends 0.7–0.8. */
  temperature?: number;
  /** Keep only the k most likely tokens (0 = off). Default 0. */
  topK?: number;
  /** Keep the smallest set of tokens whose probability reaches p (1 = off). Default 1. */
  topP?: number;
  /** Seed of the sampling generator; the same seed, model and input give the same tokens. */
  seed?: number;
}


/** Calls `visit` with each id below `n` whose bit is set in `mask`, in increasing order. */
function forEachSet(mask: Uint32Array, n: number, visit: (id: number) => void): void {
  const words = Math.min(mask.length, Math.ceil(n / 32));
  for (let w = 0; w < words; w++) {
    let bits = mask[w]!;
    if (bits === 0xffffffff) {
      // Inside free text most words are full: no bit tricks needed.
      for (let i = w * 32, end = Math.min(n, i + 32); i < end; i++) visit(i);
      continue;
    }
    while (bits !== 0) {
      const low = bits & -bits;
      const i = w * 32 + (31 - Math.clz32(low));
      bits ^= low;
      if (i < n) visit(i);
    }
  }
}

/** Indices of the allowed, finite logits. */
function candidates(logits: Float32Array, mask: Uint32Array | undefined): number[] {
  const out: number[] = [];
  if (!mask) {
    for (let i = 0; i < logits.length; i++) if (logits[i]! > -Infinity) out.push(i);
  } else {
    forEachSet(mask, logits.length, (i) => {
      if (logits[i]! > -Infinity) out.push(i);
    });
  }
  return out;
}

/**
 * Greedy choice without building a candidate list: it runs once per token over the whole
 * vocabulary (150k+ for Qwen), where an array of ids would cost more than a small model's step.
 * Inline loops, no callback per id: on onnxruntime-node the pass runs on this thread, so every
 * microsecond here is a microsecond off the decode rate.
 */
function argmaxAllowed(logits: Float32Array, mask: Uint32Array | undefined): number {
  let best = -1;
  let max = -Infinity;
  const n = logits.length;
  if (!mask) {
    for (let i = 0; i < n; i++) {
      const v = logits[i]!;
      if (v > max) {
        max = v;
        best = i;
      }
    }
  } else {
    const words = Math.min(mask.length, Math.ceil(n / 32));
    for (let w = 0; w < words; w++) {
      let bits = mask[w]!;
      if (bits === 0) continue;
      const base = w * 32;
      if (bits === 0xffffffff && base + 32 <= n) {
        for (let i = base; i < base + 32; i++) {
          const v = logits[i]!;
          if (v > max) {
            max = v;
            best = i;
          }
        }
        continue;
      }
      while (bits !== 0) {
        const low = bits & -bits;
        const i = base + (31 - Math.clz32(low));
        bits ^= low;
        if (i >= n) break;
        const v = logits[i]!;
        if (v > max) {
          max = v;
          best = i;
        }
      }
    }
  }
  if (best < 0) throw noAllowedToken(mask, n);
  return best;
}

/** The k best of `ids` by logit, best first (k small: insertion into a sorted window). */
function topKOf(logits: Float32Array, ids: number[], k: number): number[] {
  if (ids.length <= k) return ids.sort((a, b) => logits[b]! - logits[a]! || a - b);
  const best: number[] = [];
  for (const i of ids) {
    const v = logits[i]!;
    if (best.length === k && v <= logits[best[k - 1]!]!) continue;
    let j = best.length === k ? k - 1 : best.length;
    while (j > 0 && logits[best[j - 1]!]! < v) {
      best[j] = best[j - 1]!;
      j--;
    }
    best[j] = i;
  }
  return best;
}

/** Bins of the top-p histogram over (max − logit) / temperature in [0, SPAN); beyond, the last bin. */
const BINS = 2048;
const SPAN = 48;

/**
 * The top-p head of `ids`, best first (ties by id): the shortest prefix of all candidates sorted by
 * logit whose probability reaches `topP`. Sorting every candidate cost ~100 ms a token at 152k ids;
 * here one pass bins the probability mass, the bins give a logit bound that the head lies above,
 * and only the candidates above it are sorted.
 */
function nucleus(logits: Float32Array, ids: number[], topP: number, temperature: number): number[] {
  let max = -Infinity;
  for (const i of ids) if (logits[i]! > max) max = logits[i]!;
  if (max === -Infinity) return ids;
  const mass = new Float64Array(BINS);
  let sum = 0;
  for (const i of ids) {
    const d = (max - logits[i]!) / temperature;
    const w = Math.exp(-d);
    sum += w;
    mass[Math.min(BINS - 1, Math.floor((d / SPAN) * BINS))]! += w;
  }
  let acc = 0;
  let bin = 0;
  for (; bin < BINS - 1; bin++) if ((acc += mass[bin]!) / sum >= topP) break;
  // Every candidate in a bin up to `bin` has d below the bin's upper edge.
  const bound = bin === BINS - 1 ? -Infinity : max - (((bin + 1) / BINS) * SPAN) * temperature;
  const head = ids.filter((i) => logits[i]! >= bound).sort((x, y) => logits[y]! - logits[x]! || x - y);
  acc = 0;
  let n = 0;
  while (n < head.length) {
    acc += Math.exp((logits[head[n]!]! - max) / temperature) / sum;
    n++;
    if (acc >= topP) break;
  }
  return head.slice(0, n);
}

export class Sampler {
  private readonly random: () => number;
  readonly temperature: number;
  readonly topK: number;
  readonly topP: number;

  constructor(options: SamplingOptions = {}) {
    this.temperature = options.temperature ?? 0;
    this.topK = options.topK ?? 0;
    this.topP = options.topP ?? 1;
    if (!(this.temperature >= 0)) throw new RangeError('temperature must be ≥ 0');
    if (!(this.topP > 0 && this.topP <= 1)) throw new RangeError('topP must be in (0, 1]');
    if (!Number.isInteger(this.topK) || this.topK < 0) throw new RangeError('topK must be a non-negative integer');
    this.random = seededRandom(options.seed ?? Math.floor(Math.random() * 2 ** 32));
  }

  /**
   * How an on-device sampler can reproduce this one without the full row: `greedy` (argmax),
   * `sample` (temperature alone: one uniform draw, see `uniform`), or undefined when top-k / top-p
   * need the whole row on the CPU.
   */
  get deviceMode(): 'greedy' | 'sample' | undefined {
    if (this.temperature === 0) return 'greedy';
    return this.topK === 0 && this.topP === 1 ? 'sample' : undefined;
  }

  /** The uniform draw `sample` makes when more than one token is allowed (for on-device sampling). */
  uniform(): number {
    return this.random();
  }

  /** A token allowed by `mask` (all tokens when absent). */
  sample(logits: Float32Array, mask?: Uint32Array): number {
    return this.sampleWith(logits, mask, this.random);
  }

  /** `sample` with its uniform draw given (an on-device sampler's fallback reuses its draw). */
  sampleWith(logits: Float32Array, mask: Uint32Array | undefined, draw: () => number): number {
    if (this.temperature === 0) return argmaxAllowed(logits, mask);
    let ids = candidates(logits, mask);
    if (ids.length === 0) throw noAllowedToken(mask, logits.length);
    if (ids.length === 1) return ids[0]!;
    const nucleusFirst = this.topK === 0 && this.topP < 1;
    if (this.topK > 0) ids = topKOf(logits, ids, this.topK);
    else if (nucleusFirst) ids = nucleus(logits, ids, this.topP, this.temperature);
    let max = -Infinity;
    for (const i of ids) if (logits[i]! > max) max = logits[i]!;
    const p = new Float64Array(ids.length);
    let sum = 0;
    for (let j = 0; j < ids.length; j++) sum += p[j] = Math.exp((logits[ids[j]!]! - max) / this.temperature);
    let n = ids.length;
    if (this.topP < 1 && !nucleusFirst) {
      // ids are sorted best first here: keep the shortest head reaching topP.
      let acc = 0;
      for (n = 0; n < ids.length; ) {
        acc += p[n++]! / sum;
        if (acc >= this.topP) break;
      }
      sum = 0;
      for (let j = 0; j < n; j++) sum += p[j]!;
    }
    let r = draw() * sum;
    for (let j = 0; j < n; j++) {
      r -= p[j]!;
      if (r < 0) return ids[j]!;
    }
    return ids[n - 1]!;
  }
}
