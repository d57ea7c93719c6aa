/**
 * A turn of the event loop. A wasm forward pass settles in microtasks, so a decode loop that only
 * awaits runs never lets a task in: an abort posted to the worker (a message event) or clicked on
 * the page would wait for the whole plan. Awaiting this before each pass lets it land.
 */
const immediate = (globalThis as { setImmediate?: (cb: () => void) => unknown }).setImmediate;
let port: MessagePort | undefined;
const waiting: (() => void)[] = [];

/** Resolves after pending tasks (messages, timers, events) had their turn. */
export function macrotask(): Promise<void> {
  // Node: setImmediate runs after I/O callbacks and holds no handle open.
  if (immediate) return new Promise((resolve) => void immediate(resolve));
  // Browsers and workers: a posted message, unclamped (setTimeout is clamped to 4 ms when nested).
  if (typeof MessageChannel === 'undefined') return new Promise((resolve) => setTimeout(resolve, 0));
  if (!port) {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => waiting.shift()?.();
    port = channel.port2;
  }
  return new Promise((resolve) => {
    waiting.push(resolve);
    port!.postMessage(0);
  });
}
