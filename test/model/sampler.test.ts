import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NoAllowedTokenError, Sampler, SnapshotStore, type CacheSnapshot } from '../../src/model/index.ts';

function maskOf(size: number, ids: number[]): Uint32Array {
  const m = new Uint32Array(Math.ceil(size / 32));
  for (const i of ids) m[i >>> 5]! |= 1 << (i & 31);
  return m;
}

describe('Sampler', () => {
  it('only ever returns allowed tokens, for any logits, mask and settings', () => {
    fc.assert(
      fc.property(
        fc.array(fc.float({ noNaN: true, min: -1e4, max: 1e4 }), { minLength: 1, maxLength: 300 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 20 }),
        fc.record({ temperature: fc.constantFrom(0, 0.2, 0.7, 1.5), topK: fc.constantFrom(0, 1, 3, 40), topP: fc.constantFrom(1, 0.9, 0.3), seed: fc.nat() }),
        (values, picks, opts) => {
          const logits = Float32Array.from(values);
          const allowed = [...new Set(picks.map((p) => p % logits.length))];
          const s = new Sampler(opts);
          for (let k = 0; k < 5; k++) expect(allowed).toContain(s.sample(logits, maskOf(logits.length, allowed)));
        },
      ),
    );
  });

  it('greedy picks the best allowed token', () => {
    const logits = Float32Array.from([5, 1, 9, 3]);
    expect(new Sampler().sample(logits)).toBe(2);
    expect(new Sampler().sample(logits, maskOf(4, [1, 3]))).toBe(3);
  });

  it('is reproducible with a seed, and varies across seeds', () => {
    const logits = Float32Array.from({ length: 50 }, (_, i) => Math.sin(i) * 2);
    const run = (seed: number) => {
      const s = new Sampler({ temperature: 1, seed });
      return Array.from({ length: 30 }, () => s.sample(logits));
    };
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
  });

  it('top-k keeps only the k best; top-p only the head reaching p', () => {
    const logits = Float32Array.from([0, 10, 9.9, 1, 9.8]);
    const k2 = new Sampler({ temperature: 1, topK: 2, seed: 1 });
    const seen = new Set(Array.from({ length: 200 }, () => k2.sample(logits)));
    expect([...seen].sort()).toEqual([1, 2]);
    // p = 0.5: token 1 alone holds ~0.36 of the mass, so tokens 1 and 2 are kept.
    const p = new Sampler({ temperature: 1, topP: 0.5, seed: 2 });
    const seenP = new Set(Array.from({ length: 200 }, () => p.sample(logits)));
    expect([...seenP].sort()).toEqual([1, 2]);
  });

  it('follows the softmax distribution at temperature 1', () => {
    const logits = Float32Array.from([Math.log(1), Math.log(3)]);
    const s = new Sampler({ temperature: 1, seed: 3 });
    let ones = 0;
    for (let i = 0; i < 4000; i++) ones += s.sample(logits);
    expect(ones / 4000).toBeGreaterThan(0.72);
    expect(ones / 4000).toBeLessThan(0.78);
  });

  it('rejects an empty mask and bad settings with typed errors', () => {
    expect(() => new Sampler().sample(Float32Array.from([1, 2]), new Uint32Array(1))).toThrow(NoAllowedTokenError);
    expect(() => new Sampler({ topP: 0 })).toThrow(RangeError);
    expect(() => new Sampler({ temperature: -1 })).toThrow(RangeError);
  });

  it('tells an empty mask (a dead end) from allowed tokens the model ruled out (all -Infinity)', () => {
    const caught = (f: () => unknown): NoAllowedTokenError => {
      try {
        f();
      } catch (e) {
        if (e instanceof NoAllowedTokenError) return e;
        throw e;
      }
      throw new Error('no NoAllowedTokenError');
    };
    const row = Float32Array.from([1, -Infinity, 2, -Infinity]);
    for (const temperature of [0, 1]) {
      const s = new Sampler({ temperature, seed: 1 });
      expect(caught(() => s.sample(row, new Uint32Array(1))).ruledOut).toBe(false);
      expect(caught(() => s.sample(row, Uint32Array.of(0b1010))).ruledOut).toBe(true);
      // Bits past the vocabulary are padding: a mask set only there is still empty.
      expect(caught(() => s.sample(row, Uint32Array.of(0b110000))).ruledOut).toBe(false);
      expect(caught(() => s.sample(new Float32Array(4).fill(-Infinity))).ruledOut).toBe(true);
      expect(s.sample(row, Uint32Array.of(0b1110))).toBe(2);
    }
  });
});

describe('SnapshotStore', () => {
  const snap = (tokens: number[], bytes: number): CacheSnapshot => ({ tokens, bytes, tensors: new Map() });

  it('finds the longest stored prefix of a prompt', () => {
    const s = new SnapshotStore(1000);
    s.add(snap([1, 2], 10));
    s.add(snap([1, 2, 3, 4], 10));
    s.add(snap([1, 9], 10));
    expect(s.longestPrefix([1, 2, 3, 4, 5])?.tokens).toEqual([1, 2, 3, 4]);
    expect(s.longestPrefix([1, 2, 3])?.tokens).toEqual([1, 2]);
    expect(s.longestPrefix([2])).toBeUndefined();
  });

  it('evicts the least recently used beyond its byte budget (tensors + logits + token ids)', () => {
    const s = new SnapshotStore(40);
    s.add(snap([1], 10)); // 10 + 8 bytes of token ids
    s.add(snap([2], 10));
    s.longestPrefix([1]); // 1 is now the most recent
    s.add(snap([3], 10));
    expect(s.bytes).toBe(36);
    expect(s.longestPrefix([2])).toBeUndefined();
    expect(s.longestPrefix([1])).toBeDefined();
    s.add(snap([4], 100)); // larger than the budget: not stored
    expect(s.size).toBe(2);
    s.clear();
    expect(s.bytes).toBe(0);
    s.add({ ...snap([5], 10), logits: new Float32Array(4) });
    expect(s.bytes).toBe(10 + 16 + 8);
  });
});

describe('greedy under masks (full words take a fast path)', () => {
  it('equals a brute-force argmax over the allowed ids, for sparse, dense and full masks', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const n = 1000;
    for (let trial = 0; trial < 60; trial++) {
      const logits = Float32Array.from({ length: n }, () => rnd() * 10 - 5);
      const mask = new Uint32Array(Math.ceil(n / 32) + 1);
      const density = trial % 3 === 0 ? 0.02 : trial % 3 === 1 ? 0.7 : 1;
      for (let w = 0; w < mask.length; w++) mask[w] = density === 1 && rnd() < 0.8 ? 0xffffffff : 0;
      for (let i = 0; i < n + 32; i++) if (rnd() < density * 0.5) mask[i >>> 5]! |= 1 << (i & 31);
      // Put the best logit on a word's last or first bit now and then: the edges of the fast path.
      const full = [...mask.keys()].filter((w) => mask[w] === 0xffffffff && w * 32 + 31 < n);
      if (full.length && trial % 2) logits[full[trial % full.length]! * 32 + (trial % 4 === 1 ? 31 : 0)] = 99;
      let best = -1;
      for (let i = 0; i < n; i++) if (mask[i >>> 5]! & (1 << (i & 31)) && (best < 0 || logits[i]! > logits[best]!)) best = i;
      if (best < 0) continue;
      expect(new Sampler().sample(logits, mask)).toBe(best);
    }
  });
});

describe('top-p over a full vocabulary', () => {
  it('samples only from the nucleus a full sort gives, and equals argmax at a tiny topP', () => {
    let seed = 11;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const n = 151_936;
    for (const [topP, temperature] of [[1e-9, 1], [0.5, 0.7], [0.9, 1.2]] as const) {
      const logits = Float32Array.from({ length: n }, () => rnd() * 8 - 4);
      logits[12_345] = 9;
      // Reference: every id sorted by logit, the shortest head reaching topP.
      const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => logits[b]! - logits[a]! || a - b);
      const w = order.map((i) => Math.exp((logits[i]! - 9) / temperature));
      const total = w.reduce((a, b) => a + b, 0);
      let acc = 0;
      let k = 0;
      while (k < n && (acc += w[k]! / total) < topP) k++;
      const head = new Set(order.slice(0, k + 1));
      const s = new Sampler({ temperature, topP, seed: 3 });
      for (let t = 0; t < 20; t++) {
        const tok = s.sample(logits);
        expect(head.has(tok), `topP ${topP}: ${tok}`).toBe(true);
        if (topP < 1e-6) expect(tok).toBe(12_345);
      }
    }
  });
});
