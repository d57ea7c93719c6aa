/** A small least-recently-used cache over a Map (which keeps insertion order). */

/** Bounds of an LruCache: entries, and optionally bytes as `bytesOf` counts them. */
export interface LruBounds<K, V> {
  /** Most entries held. */
  entries: number;
  /** Most bytes held, as `bytesOf` counts them (default: no byte bound). */
  bytes?: number;
  /** Bytes one entry holds (required with `bytes`). */
  bytesOf?: (value: V, key: K) => number;
  /**
   * Mark an entry most recent when it is looked up (default true). False drops the oldest inserted
   * first instead: for memo tables hit on every node of a big schema, where reordering costs more
   * than the rare miss it saves.
   */
  touch?: boolean;
}

export class LruCache<K, V> {
  private readonly map = new Map<K, V>();
  private readonly maxEntries: number;
  private readonly maxBytes: number;
  private readonly bytesOf: ((value: V, key: K) => number) | undefined;
  private readonly touch: boolean;
  private held = 0;
  private readonly cost = new Map<K, number>();

  constructor(
    bounds: number | LruBounds<K, V>,
    /** Called with each entry dropped to make room (what it holds elsewhere can be freed). */
    private readonly onEvict?: (key: K, value: V) => void,
  ) {
    const b = typeof bounds === 'number' ? { entries: bounds } : bounds;
    this.maxEntries = b.entries;
    this.maxBytes = b.bytes ?? Infinity;
    this.bytesOf = b.bytesOf;
    this.touch = b.touch ?? true;
    if (b.bytes !== undefined && !b.bytesOf) throw new RangeError('a byte bound needs bytesOf');
  }

  /** Entries held. */
  get size(): number {
    return this.map.size;
  }

  /** Bytes held, as `bytesOf` counts them (0 without it). */
  get bytes(): number {
    return this.held;
  }

  /** The byte bound (Infinity without one). */
  get byteLimit(): number {
    return this.maxBytes;
  }

  /** The value for `key`, made (and the oldest entries dropped when full) on a miss. */
  get(key: K, make: () => V): V {
    let v = this.lookup(key);
    if (v === undefined) this.set(key, (v = make()));
    return v;
  }

  /** The value for `key`, marked most recent; undefined on a miss (no closure: for hot paths). */
  lookup(key: K): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined && this.touch && this.map.size > 1) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  /**
   * Stores `value` as the most recent, dropping the oldest entries while a bound is passed. An entry
   * larger than the whole byte bound is still held (alone): callers get what they asked for, and it
   * goes with the next insertion.
   */
  set(key: K, value: V): void {
    if (this.map.has(key)) this.drop(key, false);
    const c = this.bytesOf ? this.bytesOf(value, key) : 0;
    while (this.map.size > 0 && (this.map.size >= this.maxEntries || this.held + c > this.maxBytes)) {
      this.drop(this.map.keys().next().value!, true);
    }
    this.map.set(key, value);
    if (this.bytesOf) {
      this.cost.set(key, c);
      this.held += c;
    }
  }

  /** Drops every entry (each through `onEvict`). */
  clear(): void {
    for (const k of [...this.map.keys()]) this.drop(k, true);
  }

  private drop(key: K, evict: boolean): void {
    const v = this.map.get(key)!;
    this.map.delete(key);
    this.held -= this.cost.get(key) ?? 0;
    this.cost.delete(key);
    if (evict) this.onEvict?.(key, v);
  }
}
