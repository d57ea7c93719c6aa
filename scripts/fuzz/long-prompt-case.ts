/**
 * The fuzzer's long-prompt class: a plan whose query fills most of the context, on the real runtime
 * (onnxruntime-node) for both decoder layouts, with the prefill's peak memory sampled. Linux only
 * for the peak (VmHWM after /proc/self/clear_refs); elsewhere the case still runs, unmeasured.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/** Peak RSS above the RSS before, allowed per layout (the bounds of test/model/prefill-memory.test.ts). */
export const LONG_PROMPT_BOUND_MIB = { 'tiny-qwen3': 768, 'tiny-qwen3_5': 1536 } as const;
export type LongPromptModel = keyof typeof LONG_PROMPT_BOUND_MIB;

const measurable = existsSync('/proc/self/clear_refs');
function status(field: 'VmHWM' | 'VmRSS'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : Number.NaN;
}

/** Runs `job` with the process's peak RSS reset first; returns its result and the peak above the start (MiB). */
export async function withPeak<T>(job: () => Promise<T>): Promise<{ value: T; peakAboveMiB: number | undefined }> {
  if (!measurable) return { value: await job(), peakAboveMiB: undefined };
  (globalThis as { gc?: () => void }).gc?.();
  const before = status('VmRSS');
  writeFileSync('/proc/self/clear_refs', '5');
  const value = await job();
  return { value, peakAboveMiB: (status('VmHWM') - before) / 2 ** 20 };
}

/** A query of about `words` tokens (one per " word"). */
export const longQuery = (words: number): string => `Plan this: ${'word '.repeat(words)}`;
