/**
 * Peak memory of a 3,900-token prefill, in a fresh process per layout (scripts/bench/prefill-memory.ts).
 * Before chunking, the Qwen3 layout (logits for every position) peaked 5.8 GB above its baseline.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const MiB = 2 ** 20;
function peakAbove(model: string): number {
  const out = execFileSync('npx', ['tsx', 'scripts/bench/prefill-memory.ts', '--model', model, '--tokens', '3900'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return (JSON.parse(out.trim().split('\n').at(-1)!) as { prefillPeakAboveBytes: number }).prefillPeakAboveBytes;
}

describe.runIf(existsSync('/proc/self/clear_refs'))('prefill peak memory (3,900 tokens)', () => {
  it('Qwen3 layout (no num_logits_to_keep): under 768 MiB above the loaded model', () => {
    expect(peakAbove('tiny-qwen3')).toBeLessThan(768 * MiB);
  }, 120_000);
  it('Qwen3.5 -OPT layout (num_logits_to_keep): under 1.5 GiB above the loaded model', () => {
    expect(peakAbove('tiny-qwen3_5')).toBeLessThan(1536 * MiB);
  }, 120_000);
});
