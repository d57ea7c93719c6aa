/** A push-to-pull bridge: callbacks push events, a consumer reads them as an async iterator. */
export class EventQueue<T> implements AsyncIterableIterator<T> {
  private readonly items: T[] = [];
  private waiting: ((r: IteratorResult<T>) => void) | undefined;
  private failWaiting: ((e: unknown) => void) | undefined;
  private ended = false;
  private error: { e: unknown } | undefined;

  push(item: T): void {
    if (this.ended) return;
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = this.failWaiting = undefined;
      w({ value: item, done: false });
    } else this.items.push(item);
  }

  end(): void {
    this.ended = true;
    this.waiting?.({ value: undefined, done: true });
    this.waiting = this.failWaiting = undefined;
  }

  fail(e: unknown): void {
    if (this.ended) return;
    this.error = { e };
    this.ended = true;
    this.failWaiting?.(e);
    this.waiting = this.failWaiting = undefined;
  }

  next(): Promise<IteratorResult<T>> {
    if (this.items.length > 0) return Promise.resolve({ value: this.items.shift()!, done: false });
    if (this.error) return Promise.reject(this.error.e);
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiting = resolve;
      this.failWaiting = reject;
    });
  }

  /** Called when the consumer stops early (`break`): the producer is told through `onReturn`. */
  onReturn: (() => void) | undefined;

  return(): Promise<IteratorResult<T>> {
    this.onReturn?.();
    this.items.length = 0;
    this.ended = true;
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/**
 * Runs `start` as a stream: the caller's `signal` and the consumer leaving the loop early both
 * abort the signal handed to `start`; its events and its end or failure reach the iterator.
 */
export function streamOf<T>(signal: AbortSignal | undefined, start: (inner: AbortSignal, emit: (e: T) => void) => Promise<unknown>): EventQueue<T> {
  const q = new EventQueue<T>();
  const inner = new AbortController();
  const relay = () => inner.abort(signal?.reason ?? new DOMException('aborted', 'AbortError'));
  if (signal?.aborted) relay();
  else signal?.addEventListener('abort', relay, { once: true });
  q.onReturn = () => inner.abort(new DOMException('stream closed', 'AbortError'));
  start(inner.signal, (e) => q.push(e)).then(
    () => q.end(),
    (e: unknown) => q.fail(e),
  );
  return q;
}
