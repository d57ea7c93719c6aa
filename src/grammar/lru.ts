/** A small least-recently-used cache over a Map (which keeps insertion order). */
export class LruCache<K, V> {
  private readonly map = new Map<K, V>();
  constructor(private readonly limit: number) {}

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
    if (!this.map.delete(key) && this.map.size >= this.limit) this.map.delete(this.map.keys().next().value!);
    this.map.set(key, value);
  }
}
