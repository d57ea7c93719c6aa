/**
 * Prefix snapshots kept for reuse, least recently used first out, within a byte budget. A prompt
 * that starts with a stored snapshot's tokens only prefills the rest.
 */
import type { CacheSnapshot } from './causal-lm.ts';

/**
 * What a snapshot really holds: its cache tensors, the logits kept with it (a vocabulary-wide
 * float row, 1 MiB at 248k) and its token ids.
 */
export function snapshotBytes(snap: CacheSnapshot): number {
  return snap.bytes + (snap.logits?.byteLength ?? 0) + snap.tokens.length * 8;
}

export class SnapshotStore {
  private readonly items: CacheSnapshot[] = [];
  private held = 0;

  /** @param budgetBytes Most bytes held at once (default 256 MiB). */
  constructor(readonly budgetBytes = 256 * 2 ** 20) {}

  /** Bytes held now. */
  get bytes(): number {
    return this.held;
  }

  get size(): number {
    return this.items.length;
  }

  /** The longest stored snapshot whose tokens start `tokens`; marks it recently used. */
  longestPrefix(tokens: readonly number[]): CacheSnapshot | undefined {
    let best = -1;
    for (let k = 0; k < this.items.length; k++) {
      const s = this.items[k]!.tokens;
      if (s.length > tokens.length || (best >= 0 && s.length <= this.items[best]!.tokens.length)) continue;
      let same = true;
      for (let i = 0; i < s.length && same; i++) same = s[i] === tokens[i];
      if (same) best = k;
    }
    if (best < 0) return undefined;
    const [hit] = this.items.splice(best, 1);
    this.items.push(hit!);
    return hit;
  }

  /** Stores `snap` (replacing one with the same tokens), evicting the least recently used beyond the budget. */
  add(snap: CacheSnapshot): void {
    const size = snapshotBytes(snap);
    if (size > this.budgetBytes) return;
    const same = this.items.findIndex(
      (s) => s.tokens.length === snap.tokens.length && s.tokens.every((t, i) => t === snap.tokens[i]),
    );
    if (same >= 0) this.held -= snapshotBytes(this.items.splice(same, 1)[0]!);
    this.items.push(snap);
    this.held += size;
    while (this.held > this.budgetBytes) this.held -= snapshotBytes(this.items.shift()!);
  }

  /** Drops every snapshot. */
  clear(): void {
    this.items.length = 0;
    this.held = 0;
  }
}
