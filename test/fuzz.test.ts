/**
 * A short fuzz run of the real planner over the fake runtime (scripts/fuzz): random and hostile
 * tool sets, options, logits and aborts end in a valid plan or a typed error, never anything else.
 */
import { describe, expect, it } from 'vitest';
import { runFuzz } from '../scripts/fuzz/harness.ts';
import { report } from '../scripts/fuzz/run.ts';

describe('fuzz', () => {
  it('150 cases (a few loads through a faulty server): no invalid plan, untyped error or hang', async () => {
    const seed = 7;
    const s = await runFuzz({ cases: 150, seconds: 50, seed, maxTokensCap: 48, caseTimeoutMs: 15_000, graceMs: 1_000, loadShare: 0.05, longShare: 0 });
    const text = report(s, seed);
    expect(s.cases, text).toBeGreaterThanOrEqual(100);
    expect(s.counts.plan + s.counts.typed, text).toBe(s.cases);
    expect({ invalid: s.counts.invalid, untyped: s.counts.untyped, hang: s.counts.hang, memory: s.counts.memory }, text).toEqual({ invalid: 0, untyped: 0, hang: 0, memory: 0 });
    expect(Object.values(s.loads).reduce((a, l) => a + l.loaded + l.failed, 0), text).toBeGreaterThan(0);
  }, 90_000);
});
