/**
 * JSON string escapes decoded at the byte level: the bytes between an object key's opening quote
 * and its closing one, with each escape replaced by the UTF-8 of its character and every other byte
 * copied as it is (a partial UTF-8 sequence at either end stays partial, so the result can be
 * joined to the key's earlier bytes). Key exits compare names by these bytes instead of decoding a
 * string per token (a thousand and more exit tokens a mask).
 */

const SIMPLE: Record<number, number> = { 0x22: 0x22, 0x5c: 0x5c, 0x2f: 0x2f, 0x62: 0x08, 0x66: 0x0c, 0x6e: 0x0a, 0x72: 0x0d, 0x74: 0x09 };

function hex4(b: Uint8Array, at: number): number {
  if (at + 4 > b.length) return -1;
  let v = 0;
  for (let i = at; i < at + 4; i++) {
    const c = b[i]!;
    const d = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1;
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

function pushUtf8(out: number[], cp: number): void {
  if (cp < 0x80) out.push(cp);
  else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
  else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
}

/**
 * `bytes` with its escapes decoded, or null where bytes cannot stand for the name: a malformed or
 * cut escape, or a lone surrogate (which has no UTF-8; such names are compared as strings).
 */
export function unescapeBytes(bytes: Uint8Array): Uint8Array | null {
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b !== 0x5c) {
      out.push(b);
      continue;
    }
    const e = bytes[++i];
    if (e === undefined) return null;
    if (e !== 0x75) {
      const s = SIMPLE[e];
      if (s === undefined) return null;
      out.push(s);
      continue;
    }
    let cp = hex4(bytes, i + 1);
    if (cp < 0) return null;
    i += 4;
    if (cp >= 0xdc00 && cp <= 0xdfff) return null;
    if (cp >= 0xd800 && cp <= 0xdbff) {
      if (bytes[i + 1] !== 0x5c || bytes[i + 2] !== 0x75) return null;
      const lo = hex4(bytes, i + 3);
      if (lo < 0xdc00 || lo > 0xdfff) return null;
      cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
      i += 6;
    }
    pushUtf8(out, cp);
  }
  return Uint8Array.from(out);
}
