/**
 * The on-device sampling graph, run here on onnxruntime-node's CPU provider (the same graph runs
 * on WebGPU: device-sampling.test.ts checks that path on SwiftShader): for any logits, mask,
 * temperature and draw it chooses what the CPU sampler chooses with that draw.
 */
import fc from 'fast-check';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { Sampler } from '../../src/model/index.ts';
import { sampleGraph, type SampleMode } from '../../src/model/sample-graph.ts';

function maskOf(size: number, ids: number[]): Uint32Array {
  const m = new Uint32Array(Math.ceil(size / 32));
  for (const i of ids) m[i >>> 5]! |= 1 << (i & 31);
  return m;
}

function halves(mask: Uint32Array): Float32Array {
  return Float32Array.from({ length: 2 * mask.length }, (_, j) => (j & 1 ? mask[j >> 1]! >>> 16 : mask[j >> 1]! & 0xffff));
}

const sessions = new Map<string, Promise<ort.InferenceSession>>();
function session(vocab: number, mode: SampleMode): Promise<ort.InferenceSession> {
  const key = `${vocab}:${mode}`;
  if (!sessions.has(key)) sessions.set(key, ort.InferenceSession.create(sampleGraph(vocab, 'float32', mode, 3)));
  return sessions.get(key)!;
}

async function choose(logits: Float32Array, rows: number, mask: Uint32Array, mode: SampleMode, temperature: number, u: number): Promise<number[]> {
  const vocab = logits.length / rows;
  const feeds: Record<string, ort.Tensor> = {
    logits: new ort.Tensor('float32', logits, [1, rows, vocab]),
    mask: new ort.Tensor('float32', halves(mask), [2 * mask.length]),
  };
  if (mode === 'sample') feeds.params = new ort.Tensor('float32', Float32Array.of(1 / temperature, u), [2]);
  const out = await (await session(vocab, mode)).run(feeds);
  return Array.from(out.choice!.data as Float32Array);
}

describe('sampling graph', () => {
  it('greedy: the first best allowed id of the last row, as the CPU argmax (ties included)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.float({ noNaN: true, noDefaultInfinity: true, min: -50, max: 50 }).map((x) => Math.round(x)), { minLength: 97, maxLength: 97 }),
        fc.array(fc.nat(96), { minLength: 1, maxLength: 40 }),
        async (rows, last, picks) => {
          const vocab = 97;
          const logits = new Float32Array(rows * vocab).fill(100); // earlier rows must be ignored
          logits.set(last, (rows - 1) * vocab);
          const mask = maskOf(vocab, picks);
          const [id, best, bad] = await choose(logits, rows, mask, 'greedy', 0, 0);
          const cpu = new Sampler().sample(Float32Array.from(last), mask);
          expect(id).toBe(cpu);
          expect(best === Math.fround(last[cpu]!)).toBe(true); // == : 0 and −0 tie, as on the CPU
          expect(bad).toBe(0);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('temperature: with the same draw, the id the CPU sampler walks to', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.float({ noNaN: true, noDefaultInfinity: true, min: -8, max: 8 }), { minLength: 300, maxLength: 300 }),
        fc.array(fc.nat(299), { minLength: 2, maxLength: 120 }),
        fc.constantFrom(0.3, 0.7, 1, 2),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        async (values, picks, temperature, u) => {
          const logits = Float32Array.from(values);
          const allowed = [...new Set(picks)];
          const mask = maskOf(logits.length, allowed);
          const [id] = await choose(logits, 1, mask, 'sample', temperature, u);
          const cpu = new Sampler({ temperature }).sampleWith(logits, mask, () => u);
          if (allowed.length === 1) return;
          // float32 running sums against the CPU's float64: they may part only where u lands within
          // rounding of a boundary; then the two ids are neighbours among the allowed ones.
          if (id !== cpu) {
            const sorted = allowed.sort((a, b) => a - b);
            expect(Math.abs(sorted.indexOf(id!) - sorted.indexOf(cpu))).toBe(1);
          }
        },
      ),
      { numRuns: 80 },
    );
  });

  it('agrees with the CPU sampler over a seeded run of draws (no boundary cases on this row)', async () => {
    const vocab = 5000;
    const logits = Float32Array.from({ length: vocab }, (_, i) => Math.sin(i * 0.37) * 4);
    const mask = maskOf(vocab, Array.from({ length: 2000 }, (_, i) => (i * 7) % vocab));
    const cpu = new Sampler({ temperature: 0.8, seed: 11 });
    const dev = new Sampler({ temperature: 0.8, seed: 11 });
    for (let k = 0; k < 30; k++) {
      const [id] = await choose(logits, 1, mask, 'sample', 0.8, dev.uniform());
      expect(id).toBe(cpu.sample(logits, mask));
    }
  });

  it('counts NaN and +Infinity logits (not −Infinity) and reports no allowed token as best −Infinity', async () => {
    const logits = Float32Array.from([1, NaN, -Infinity, Infinity, 2, 3]);
    const [, , bad] = await choose(logits, 1, maskOf(6, [0, 4]), 'greedy', 0, 0);
    expect(bad).toBe(2);
    const none = Float32Array.from([-Infinity, -Infinity, 1]);
    const [, best] = await choose(none, 1, maskOf(3, [0, 1]), 'greedy', 0, 0);
    expect(best).toBe(-Infinity);
  });

  it('reads all bits of a word, the sign bit included', async () => {
    const vocab = 64;
    for (const bit of [0, 15, 16, 31, 32, 47, 63]) {
      const logits = Float32Array.from({ length: vocab }, (_, i) => -i); // id 0 best unless masked out
      const [id] = await choose(logits, 1, maskOf(vocab, [bit]), 'greedy', 0, 0);
      expect(id).toBe(bit);
    }
  });
});
