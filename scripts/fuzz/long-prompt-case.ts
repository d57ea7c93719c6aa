/**
 * The fuzzer's long-prompt class: a plan whose query fills most of the context, on the real runtime
 * (onnxruntime-node) for both decoder layouts, with the prefill's peak memory sampled. Linux only
 * for the peak (VmHWM after /proc/self/clear_refs); elsewhere the case still runs, unmeasured.
 */
import { withPeakRss } from '../lib/peak-rss.ts';

/** Peak RSS above the RSS before, allowed per layout (the bounds of test/model/prefill-memory.test.ts). */
export const LONG_PROMPT_BOUND_MIB = { 'tiny-qwen3': 768, 'tiny-qwen3_5': 1536 } as const;
export type LongPromptModel = keyof typeof LONG_PROMPT_BOUND_MIB;

/** Runs `job` with the process's peak RSS reset first; returns its result and the peak above the start (MiB). */
export async function withPeak<T>(job: () => Promise<T>): Promise<{ value: T; peakAboveMiB: number | undefined }> {
  const { value, rss } = await withPeakRss(job);
  return { value, peakAboveMiB: rss ? (rss.peak - rss.before) / 2 ** 20 : undefined };
}

/** A query of about `words` tokens (one per " word"). */
export const longQuery = (words: number): string => `Plan this: ${'word '.repeat(words)}`;
