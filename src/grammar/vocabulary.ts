import { NORMAL } from './frames/string-bytes.ts';
import { FreeStringCache } from './string-cache.ts';
import { BoundStringCache } from './bound-string-cache.ts';

/**
 * The vocabulary side of the engine, independent of any grammar: each token's bytes, and a
 * byte-level prefix tree of all tokens laid out in pre-order so a mask is one linear walk that
 * skips whole subtrees on rejection.
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

export class Vocabulary {
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
  /** Classification of the vocabulary inside free-text strings (see string-cache.ts). */
  readonly freeStrings: FreeStringCache;
  /** Pattern strings and object keys (bound-string-cache.ts). */
  readonly boundStrings: BoundStringCache;

  constructor(input: VocabularyInput) {
    if (input.size < input.tokens.length) throw new RangeError('vocabulary size is smaller than its token list');
    this.size = input.size;
    this.tokens = input.tokens;
    this.stopTokens = [...input.stopTokens];
    this.encode = input.encode;
    this.maskWords = Math.ceil(input.size / 32);

    // Build a map-based trie, then flatten it in pre-order.
    type Build = { children: Map<number, Build>; token: number; extra?: number[] };
    const root: Build = { children: new Map(), token: -1 };
    let count = 1;
    let maxLen = 0;
    const byteToken = new Int32Array(256).fill(-1);
    let hash = 0x811c9dc5;
    input.tokens.forEach((bytes, id) => {
      if (!bytes || bytes.length === 0) return;
      maxLen = Math.max(maxLen, bytes.length);
      if (bytes.length === 1 && byteToken[bytes[0]!] === -1) byteToken[bytes[0]!] = id;
      let n = root;
      for (const b of bytes) {
        hash = Math.imul(hash ^ b, 0x01000193);
        let c = n.children.get(b);
        if (!c) {
          c = { children: new Map(), token: -1 };
          n.children.set(b, c);
          count++;
        }
        n = c;
      }
      hash = Math.imul(hash ^ (id & 0xff) ^ 0x100, 0x01000193);
      if (n.token === -1) n.token = id;
      else (n.extra ??= []).push(id);
    });
    this.id = `${(hash >>> 0).toString(16)}-${input.tokens.length}-${input.size}`;
    this.maxTokenBytes = maxLen;
    this.byteToken = byteToken;
    this.nodeByte = new Uint8Array(count);
    this.nodeToken = new Int32Array(count).fill(-1);
    this.nodeEnd = new Int32Array(count);
    this.nodeDepth = new Uint16Array(count);
    const shared = new Map<number, number[]>();
    let next = 0;
    const visit = (n: Build, byte: number, depth: number): void => {
      const i = next++;
      this.nodeByte[i] = byte;
      this.nodeToken[i] = n.token;
      this.nodeDepth[i] = depth;
      if (n.extra) shared.set(i, n.extra);
      for (const b of [...n.children.keys()].sort((x, y) => x - y)) visit(n.children.get(b)!, b, depth + 1);
      this.nodeEnd[i] = next;
    };
    visit(root, 0, 0);
    this.sharedTokens = shared;
    // Once per tokenizer, like the trie: the common in-string state is classified up front so the
    // first mask inside a string does not pay for it.
    this.freeStrings = new FreeStringCache(this);
    this.boundStrings = new BoundStringCache(this);
    this.freeStrings.entry(NORMAL);
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

/** GPT-2's reversible byte ↔ printable-character map used by byte-level BPE vocabularies. */
function byteLevelDecoder(): Map<string, number> {
  const bs: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) bs.push(b);
  for (let b = 0xa1; b <= 0xac; b++) bs.push(b);
  for (let b = 0xae; b <= 0xff; b++) bs.push(b);
  const cs = [...bs];
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n++);
    }
  }
  return new Map(bs.map((b, i) => [String.fromCodePoint(cs[i]!), b]));
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
 */
export function vocabularyFromTokenizerJson(
  json: TokenizerJson,
  options: { size?: number; stopTokens: readonly number[]; encode?: (bytes: Uint8Array) => number[] },
): VocabularyInput {
  const entries: [string, number][] = Array.isArray(json.model.vocab)
    ? json.model.vocab.map(([s], i) => [s, i])
    : Object.entries(json.model.vocab);
  const added = json.added_tokens ?? [];
  let maxId = -1;
  for (const [, id] of entries) maxId = Math.max(maxId, id);
  for (const a of added) maxId = Math.max(maxId, a.id);
  const tokens: (Uint8Array | null)[] = new Array(maxId + 1).fill(null);
  const utf8 = new TextEncoder();
  const sentencePiece = json.model.byte_fallback === true || entries.some(([s]) => s === '<0x00>');
  const byteLevel = sentencePiece ? null : byteLevelDecoder();
  for (const [s, id] of entries) {
    if (sentencePiece) {
      const m = /^<0x([0-9A-Fa-f]{2})>$/.exec(s);
      tokens[id] = m ? Uint8Array.of(parseInt(m[1]!, 16)) : utf8.encode(s.replaceAll('\u2581', ' '));
    } else {
      const bytes: number[] = [];
      let ok = true;
      for (const ch of s) {
        const b = byteLevel!.get(ch);
        if (b === undefined) {
          ok = false;
          break;
        }
        bytes.push(b);
      }
      tokens[id] = ok ? Uint8Array.from(bytes) : utf8.encode(s);
    }
  }
  for (const a of added) tokens[a.id] = a.special === false ? utf8.encode(a.content) : null;
  const size = options.size ?? tokens.length;
  return { tokens, size, stopTokens: options.stopTokens, ...(options.encode ? { encode: options.encode } : {}) };
}
