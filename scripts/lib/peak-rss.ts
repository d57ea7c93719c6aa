/**
 * The process's peak resident memory around one job, as the kernel counts it (Linux: VmHWM, reset
 * to the current RSS by writing 5 to /proc/self/clear_refs). Elsewhere nothing is measured.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export const peakMeasurable = existsSync('/proc/self/clear_refs');

/** VmHWM (peak RSS) or VmRSS in bytes. */
function status(field: 'VmHWM' | 'VmRSS'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : Number.NaN;
}

/** Runs `job` after a GC with the peak counter reset; returns its result, RSS before and peak RSS (bytes), when measurable. */
export async function withPeakRss<T>(job: () => Promise<T>): Promise<{ value: T; rss?: { before: number; peak: number } }> {
  if (!peakMeasurable) return { value: await job() };
  (globalThis as { gc?: () => void }).gc?.();
  const before = status('VmRSS');
  writeFileSync('/proc/self/clear_refs', '5');
  const value = await job();
  return { value, rss: { before, peak: status('VmHWM') } };
}
