/** A small least-recently-used cache over a Map (which keeps insertion order). */
export class LruCache<K, V> {
  private readonly map = new Map<K, V>();
  constructor(
    private readonly limit: number,
    /** Called with each entry dropped to make room (what it holds elsewhere can be freed). */
    private readonly onEvict?: (key: K, value: V) => void,
  ) {}

  /** Entries held. */
  get size(): number {
    return this.map.size;
  }

  /** The value for `key`, made (and the oldest entry dropped when full) on a miss. */
  get(key: K, make: () => V): V {
    let v = this.lookup(key);
    if (v === undefined) this.set(key, (v = make()));
    return v;
  }

  /** The value for `key`, marked most recent; undefined on a miss (no closure: for hot paths). */
  lookup(key: K): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined && this.map.size > 1) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  /** Stores `value` as the most recent, dropping the oldest entry when full. */
  set(key: K, value: V): void {
    if (!this.map.delete(key) && this.map.size >= this.limit) {
      const [oldest, old] = this.map.entries().next().value!;
      this.map.delete(oldest);
      this.onEvict?.(oldest, old);
    }
    this.map.set(key, value);
  }
}
