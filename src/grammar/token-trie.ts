/**
 * The vocabulary as plain data: token bytes and the byte trie over them. What the per-vocabulary
 * string caches read; `Vocabulary` is this plus the caches it owns, so the caches never import it.
 */
export interface TokenTrie {
  /** UTF-8 bytes of each token id; null for ids that never appear in JSON. */
  readonly tokens: readonly (Uint8Array | null)[];
  /** Uint32 words in a token bitmask. */
  readonly maskWords: number;
  /** Trie nodes in pre-order: the byte leading to each node. */
  readonly nodeByte: Uint8Array;
  /** Token id ending at each node, -1 when none. */
  readonly nodeToken: Int32Array;
  /** Exclusive end of each node's subtree. */
  readonly nodeEnd: Int32Array;
  readonly nodeDepth: Uint16Array;
  /** Extra ids for nodes whose bytes several tokens share. */
  readonly sharedTokens: ReadonlyMap<number, readonly number[]>;
  readonly maxTokenBytes: number;
}
