import type { TokenTrie } from './token-trie.ts';
import { buildTrie, type FlatTokens } from './vocab-trie.ts';

/**
 * The vocabulary side of the engine, independent of any grammar, and plain data: each token's bytes,
 * and a byte-level prefix tree of all tokens laid out in pre-order so a mask is one linear walk that
 * skips whole subtrees on rejection. What is computed over it and cached (the string
 * classifications, compiled grammars) belongs to a GrammarCompiler made from it.
 */

/** What the engine needs to know of a tokenizer. */
export interface VocabularyInput {
  /** UTF-8 bytes of each token id; `null` for ids that never appear in JSON (special tokens, padding). */
  tokens: readonly (Uint8Array | null)[];
  /** Width of the model's logits (may exceed `tokens.length`: padded ids are never allowed). */
  size: number;
  /** Ids that end generation (EOS); allowed exactly when the document is complete. */
  stopTokens: readonly number[];
  /**
   * Optional: the tokenizer's canonical encoding of a byte string, used for jump-forward so forced
   * text is fed the way the model saw such text in training. Without it a longest-match over the
   * vocabulary is used.
   */
  encode?: (bytes: Uint8Array) => number[];
}

export class Vocabulary implements TokenTrie {
  readonly size: number;
  readonly tokens: readonly (Uint8Array | null)[];
  readonly stopTokens: readonly number[];
  readonly encode: ((bytes: Uint8Array) => number[]) | undefined;
  /** Words in a token bitmask. */
  readonly maskWords: number;
  /** Content id, part of compiled-grammar cache keys. */
  readonly id: string;

  // Pre-order trie. Node 0 is the root (no byte).
  readonly nodeByte: Uint8Array;
  readonly nodeToken: Int32Array;
  /** Exclusive end of each node's subtree. */
  readonly nodeEnd: Int32Array;
  readonly nodeDepth: Uint16Array;
  /** Extra ids for nodes whose bytes several tokens share. */
  readonly sharedTokens: ReadonlyMap<number, readonly number[]>;
  /** Token id of each single byte, -1 when the vocabulary lacks it. */
  readonly byteToken: Int32Array;
  readonly maxTokenBytes: number;

  constructor(input: VocabularyInput) {
    if (input.size < input.tokens.length) throw new RangeError('vocabulary size is smaller than its token list');
    this.size = input.size;
    this.tokens = input.tokens;
    this.stopTokens = [...input.stopTokens];
    this.encode = input.encode;
    this.maskWords = Math.ceil(input.size / 32);

    const flat = flatten(input.tokens);
    const { ids, start, length, bytes } = flat;
    let maxLen = 0;
    const byteToken = new Int32Array(256).fill(-1);
    let hash = 0x811c9dc5;
    for (let k = 0; k < ids.length; k++) {
      const id = ids[k]!;
      const s = start[id]!;
      const n = length[id]!;
      if (n > maxLen) maxLen = n;
      if (n === 1 && byteToken[bytes[s]!] === -1) byteToken[bytes[s]!] = id;
      for (let p = s; p < s + n; p++) hash = Math.imul(hash ^ bytes[p]!, 0x01000193);
      hash = Math.imul(hash ^ (id & 0xff) ^ 0x100, 0x01000193);
    }
    this.id = `${(hash >>> 0).toString(16)}-${input.tokens.length}-${input.size}`;
    this.maxTokenBytes = maxLen;
    this.byteToken = byteToken;
    const trie = buildTrie(flat);
    this.nodeByte = trie.nodeByte;
    this.nodeToken = trie.nodeToken;
    this.nodeEnd = trie.nodeEnd;
    this.nodeDepth = trie.nodeDepth;
    this.sharedTokens = trie.sharedTokens;
  }

  /** A fresh, all-zero token bitmask. */
  allocateMask(): Uint32Array {
    return new Uint32Array(this.maskWords);
  }

  /**
   * Encodes bytes as tokens: the tokenizer's own encoding when given, else a greedy longest match
   * over the trie (always possible when every single byte is a token).
   */
  tokenize(bytes: Uint8Array): number[] {
    if (this.encode) return this.encode(bytes);
    const out: number[] = [];
    let pos = 0;
    while (pos < bytes.length) {
      let node = 0;
      let best = -1;
      let bestLen = 0;
      for (let k = pos; k < bytes.length; k++) {
        const child = this.child(node, bytes[k]!);
        if (child < 0) break;
        node = child;
        if (this.nodeToken[node]! >= 0) {
          best = this.nodeToken[node]!;
          bestLen = k - pos + 1;
        }
      }
      if (best < 0) throw new Error(`byte ${bytes[pos]} has no token`);
      out.push(best);
      pos += bestLen;
    }
    return out;
  }

  private child(node: number, byte: number): number {
    for (let c = node + 1; c < this.nodeEnd[node]!; c = this.nodeEnd[c]!) {
      if (this.nodeByte[c] === byte) return c;
    }
    return -1;
  }
}

/** Token bytes in one buffer: the tokens' own when they all share one (as vocabularyFromTokenizerJson makes them), else a copy. */
function flatten(tokens: readonly (Uint8Array | null)[]): FlatTokens {
  const start = new Int32Array(tokens.length);
  const length = new Int32Array(tokens.length);
  let n = 0;
  let totalBytes = 0;
  let buffer: ArrayBufferLike | undefined;
  let one = true;
  for (let id = 0; id < tokens.length; id++) {
    const t = tokens[id];
    if (!t || t.length === 0) continue;
    n++;
    totalBytes += t.length;
    buffer ??= t.buffer;
    if (t.buffer !== buffer) one = false;
    start[id] = t.byteOffset;
    length[id] = t.length;
  }
  const ids = new Int32Array(n);
  n = 0;
  for (let id = 0; id < tokens.length; id++) if (length[id]! > 0) ids[n++] = id;
  if (one) return { bytes: buffer ? new Uint8Array(buffer) : new Uint8Array(0), start, length, ids, totalBytes };
  const bytes = new Uint8Array(totalBytes);
  let pos = 0;
  for (const id of ids) {
    bytes.set(tokens[id]!, pos);
    start[id] = pos;
    pos += length[id]!;
  }
  return { bytes, start, length, ids, totalBytes };
}

/** GPT-2's reversible byte ↔ printable-character map of byte-level BPE: the byte of each UTF-16 code unit, -1 for none. */
function byteLevelTable(): Int16Array {
  const table = new Int16Array(324).fill(-1);
  let n = 0;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    table[printable ? b : 256 + n++] = b;
  }
  return table;
}

/** The subset of a Hugging Face `tokenizer.json` the engine reads. */
export interface TokenizerJson {
  model: { type?: string; vocab: Record<string, number> | [string, number][]; byte_fallback?: boolean };
  added_tokens?: { id: number; content: string; special?: boolean }[];
  decoder?: { type?: string; decoders?: { type?: string }[] } | null;
}

/**
 * Token bytes from a Hugging Face `tokenizer.json` (byte-level BPE as in Qwen/Llama 3/GPT-2, or
 * SentencePiece-style `▁` with `<0xNN>` byte fallback). Special added tokens map to `null`.
 * All tokens are views of one buffer (no per-token allocation beyond the view), which Vocabulary reads as is.
 */
export function vocabularyFromTokenizerJson(
  json: TokenizerJson,
  options: { size?: number; stopTokens: readonly number[]; encode?: (bytes: Uint8Array) => number[] },
): VocabularyInput {
  const vocab = json.model.vocab;
  const list = Array.isArray(vocab);
  const keys = list ? vocab.map(([s]) => s) : Object.keys(vocab);
  const ids = new Int32Array(keys.length);
  if (list) for (let k = 0; k < keys.length; k++) ids[k] = k;
  else for (let k = 0; k < keys.length; k++) ids[k] = vocab[keys[k]!]!;
  const added = json.added_tokens ?? [];
  let maxId = -1;
  let units = 0;
  for (let k = 0; k < keys.length; k++) {
    if (ids[k]! > maxId) maxId = ids[k]!;
    units += keys[k]!.length;
  }
  for (const a of added) {
    maxId = Math.max(maxId, a.id);
    units += a.content.length;
  }
  const sentencePiece = json.model.byte_fallback === true || (list ? vocab.some(([s]) => s === '<0x00>') : Object.hasOwn(vocab, '<0x00>'));
  // UTF-8 takes at most 3 bytes per UTF-16 unit; trimmed to size at the end.
  let buf = new Uint8Array(3 * units);
  const from = new Int32Array(maxId + 1).fill(-1);
  const to = new Int32Array(maxId + 1);
  const utf8 = new TextEncoder();
  const byteOf = byteLevelTable();
  let pos = 0;
  for (let k = 0; k < keys.length; k++) {
    const s = keys[k]!;
    let p = pos;
    const hex = sentencePiece && s.length === 6 ? /^<0x([0-9A-Fa-f]{2})>$/.exec(s) : null;
    if (hex) buf[p++] = parseInt(hex[1]!, 16);
    else {
      for (let c = 0; c < s.length; c++) {
        const u = s.charCodeAt(c);
        // Byte-level: the GPT-2 map. SentencePiece: ASCII, with ▁ for a space.
        const b = sentencePiece ? (u < 0x80 ? u : u === 0x2581 ? 0x20 : -1) : u < byteOf.length ? byteOf[u]! : -1;
        if (b < 0) {
          // Anything else (a surrogate pair, non-ASCII SentencePiece text): its UTF-8.
          p = pos + utf8.encodeInto(sentencePiece ? s.replaceAll('\u2581', ' ') : s, buf.subarray(pos)).written;
          break;
        }
        buf[p++] = b;
      }
    }
    from[ids[k]!] = pos;
    to[ids[k]!] = pos = p;
  }
  for (const a of added) {
    if (a.special === false) {
      from[a.id] = pos;
      to[a.id] = pos += utf8.encodeInto(a.content, buf.subarray(pos)).written;
    } else from[a.id] = -1;
  }
  buf = buf.slice(0, pos);
  const tokens: (Uint8Array | null)[] = [];
  for (let id = 0; id <= maxId; id++) tokens.push(from[id]! < 0 ? null : buf.subarray(from[id]!, to[id]!));
  const size = options.size ?? tokens.length;
  return { tokens, size, stopTokens: options.stopTokens, ...(options.encode ? { encode: options.encode } : {}) };
}
