/**
 * The snapshot store's byte count against what its snapshots really hold (cache tensors and the
 * logits row kept with each), on the tiny Qwen3.5 model after many different prefixes.
 */
import { describe, expect, it } from 'vitest';
import { decode, loadModel, Sampler, SnapshotStore, type CacheSnapshot } from '../../src/model/index.ts';
import { modelDir } from '../../scripts/lib/fixtures.ts';

function heldBy(s: CacheSnapshot): number {
  let n = s.logits?.byteLength ?? 0;
  for (const t of s.tensors.values()) n += (t.data as { byteLength: number }).byteLength;
  return n;
}

describe('SnapshotStore accounting', () => {
  it('counts within 10 % of the bytes its snapshots hold', async () => {
    const model = await loadModel(modelDir('tiny-qwen3_5'), { dtype: 'q4' });
    try {
      const store = new SnapshotStore(1 << 30);
      const kept = new Map<string, CacheSnapshot>();
      const add = store.add.bind(store);
      store.add = (s) => {
        kept.set(s.tokens.join(), s);
        add(s);
      };
      for (let i = 0; i < 12; i++) {
        const prompt = model.tokenizer.encode(`tool set ${i}: ${'lorem ipsum '.repeat(i + 2)} query`);
        const it = decode(model.lm, prompt, { sampler: new Sampler(), maxNewTokens: 2, stopTokens: [], snapshots: store, prefixLength: prompt.length - 1 });
        for (let r = await it.next(); !r.done; r = await it.next());
      }
      expect(store.size).toBe(12);
      const actual = [...kept.values()].reduce((a, s) => a + heldBy(s), 0);
      expect(actual).toBeGreaterThan(0);
      expect(Math.abs(store.bytes - actual) / actual).toBeLessThan(0.1);
    } finally {
      await model.dispose();
    }
  });
});
