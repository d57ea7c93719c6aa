/**
 * The vocabulary's byte trie in pre-order, built straight into typed arrays by an MSD radix sort
 * of the token ids (pre-order is the lexicographic order of all prefixes). No per-node objects: a
 * Map per node (330k for Qwen3) made this the bulk of a page load's vocabulary preparation.
 */

export interface FlatTokens {
  /** All token bytes; token `id` is `bytes[start[id] .. start[id] + length[id])`. */
  readonly bytes: Uint8Array;
  readonly start: Int32Array;
  readonly length: Int32Array;
  /** Ids of the non-empty tokens, ascending. */
  readonly ids: Int32Array;
  readonly totalBytes: number;
}

export interface Trie {
  readonly nodeByte: Uint8Array;
  readonly nodeToken: Int32Array;
  readonly nodeEnd: Int32Array;
  readonly nodeDepth: Uint16Array;
  readonly sharedTokens: Map<number, number[]>;
}

/** Node 0 is the root; children in ascending byte order; a node's first id (ascending) is its token, the rest shared. */
export function buildTrie(t: FlatTokens): Trie {
  const { bytes, start, length } = t;
  // Ping-pong by depth: a node's ids are in one buffer, its children's go to the other, nothing is copied back.
  const even = Int32Array.from(t.ids);
  const odd = new Int32Array(even.length);
  const key = new Int16Array(t.ids.length);
  // Each byte adds at most one node.
  const cap = t.totalBytes + 1;
  const nodeByte = new Uint8Array(cap);
  const nodeToken = new Int32Array(cap).fill(-1);
  const nodeEnd = new Int32Array(cap);
  const nodeDepth = new Uint16Array(cap);
  const shared = new Map<number, number[]>();
  const count = new Int32Array(256);
  const place = new Int32Array(256);
  // Children of the node being visited at each depth: their bytes and id ranges (kept across recursion).
  const kidByte: Uint8Array[] = [];
  const kidLo: Int32Array[] = [];
  let next = 0;

  const visit = (lo: number, hi: number, d: number, byte: number): void => {
    const i = next++;
    nodeByte[i] = byte;
    nodeDepth[i] = d;
    const ids = d & 1 ? odd : even;
    const kb = (kidByte[d] ??= new Uint8Array(256));
    const kl = (kidLo[d] ??= new Int32Array(257));
    let ended = 0;
    let kids = 0;
    for (let p = lo; p < hi; p++) {
      const id = ids[p]!;
      if (length[id] === d) {
        ended++;
        key[p] = -1;
      } else {
        const b = bytes[start[id]! + d]!;
        key[p] = b;
        if (count[b]!++ === 0) kb[kids++] = b;
      }
    }
    // Insertion sort: few distinct next bytes below most nodes.
    for (let a = 1; a < kids; a++) {
      const b = kb[a]!;
      let c = a - 1;
      for (; c >= 0 && kb[c]! > b; c--) kb[c + 1] = kb[c]!;
      kb[c + 1] = b;
    }
    let pos = lo + ended;
    for (let k = 0; k < kids; k++) {
      const b = kb[k]!;
      kl[k] = place[b] = pos;
      pos += count[b]!;
      count[b] = 0;
    }
    kl[kids] = hi;
    // Stable placement keeps ids ascending within each group.
    const out = d & 1 ? even : odd;
    let e = lo;
    for (let p = lo; p < hi; p++) {
      const b = key[p]!;
      out[b < 0 ? e++ : place[b]!++] = ids[p]!;
    }
    if (ended > 0) {
      nodeToken[i] = out[lo]!;
      if (ended > 1) shared.set(i, Array.from(out.subarray(lo + 1, lo + ended)));
    }
    for (let k = 0; k < kids; k++) {
      if (kl[k + 1]! - kl[k]! > 1) {
        visit(kl[k]!, kl[k + 1]!, d + 1, kb[k]!);
        continue;
      }
      // A single token below: a chain without branching, written in place (most nodes are on one).
      const id = out[kl[k]!]!;
      const first = next;
      for (let p = start[id]! + d, end = start[id]! + length[id]!, depth = d + 1; p < end; p++, depth++) {
        nodeByte[next] = bytes[p]!;
        nodeDepth[next++] = depth;
      }
      nodeToken[next - 1] = id;
      nodeEnd.fill(next, first, next);
    }
    nodeEnd[i] = next;
  };
  visit(0, even.length, 0, 0);
  return {
    nodeByte: nodeByte.slice(0, next),
    nodeToken: nodeToken.slice(0, next),
    nodeEnd: nodeEnd.slice(0, next),
    nodeDepth: nodeDepth.slice(0, next),
    sharedTokens: shared,
  };
}
