/** The benchmark statistics: wrong medians or ratios would mislead every figure we report. */
import { describe, expect, it } from 'vitest';
import { median, percentile, ratio, repeat } from '../src/eval/stats.ts';

describe('bench statistics', () => {
  it('median of odd, even, unsorted and empty inputs', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([5])).toBe(5);
    expect(median([])).toBeNaN();
    const xs = [9, 1, 5];
    median(xs);
    expect(xs).toEqual([9, 1, 5]); // input not sorted in place
  });
  it('percentile by nearest rank', () => {
    const xs = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(xs, 50)).toBe(50);
    expect(percentile(xs, 99)).toBe(99);
    expect(percentile(xs, 100)).toBe(100);
    expect(percentile(xs, 0)).toBe(1);
  });
  it('ratio rounds and refuses missing or zero denominators', () => {
    expect(ratio(3, 2)).toBe(1.5);
    expect(ratio(1, 3)).toBe(0.33);
    expect(ratio(1, 0)).toBeNull();
    expect(ratio(undefined, 2)).toBeNull();
    expect(ratio(NaN, 2)).toBeNull();
  });
  it('repeat discards warm-up runs', async () => {
    let n = 0;
    const got = await repeat(3, 2, async () => ++n);
    expect(got).toEqual([3, 4, 5]);
  });
});
