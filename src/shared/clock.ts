/** Milliseconds from a monotonic clock where there is one (browsers, workers, Node). */
export function now(): number {
  return globalThis.performance?.now() ?? Date.now();
}
