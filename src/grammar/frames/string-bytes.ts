/**
 * The byte mechanics of a JSON string body as a packed integer state machine: raw UTF-8 (strictly
 * valid: no overlongs, no surrogates), escapes, \uXXXX without surrogates, no raw control bytes.
 * Kept allocation-free so it can also classify a whole vocabulary quickly.
 *
 * State layout: mode (bits 0-1) | need (bits 2-4) | lead (bits 5-7) | acc (bits 8+).
 */

export const NORMAL = 0;
const ESC = 1;
const HEX = 2;
const UTF8 = 3;

/** Returned by stringStep for the closing quote. */
export const CLOSE = -2;
export const REJECT = -1;

// Constraint on the next continuation byte after special lead bytes.
const LEAD_ANY = 0; // 80-BF
const LEAD_E0 = 1; // A0-BF
const LEAD_ED = 2; // 80-9F
const LEAD_F0 = 3; // 90-BF
const LEAD_F4 = 4; // 80-8F

const pack = (mode: number, need: number, lead: number, acc: number) => mode | (need << 2) | (lead << 5) | (acc * 256);
export const modeOf = (s: number) => s & 3;
export const needOf = (s: number) => (s >> 2) & 7;
const leadOf = (s: number) => (s >> 5) & 7;
export const accOf = (s: number) => Math.floor(s / 256);

const SIMPLE_ESCAPES: Record<number, number> = {
  0x22: 0x22,
  0x5c: 0x5c,
  0x2f: 0x2f,
  0x62: 8,
  0x66: 12,
  0x6e: 10,
  0x72: 13,
  0x74: 9,
};

function hexValue(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x61 && b <= 0x66) return b - 0x57;
  if (b >= 0x41 && b <= 0x46) return b - 0x37;
  return -1;
}

/** Next state, CLOSE for an unescaped closing quote, or REJECT. */
export function stringStep(s: number, b: number): number {
  switch (modeOf(s)) {
    case NORMAL:
      if (b === 0x22) return CLOSE;
      if (b === 0x5c) return pack(ESC, 0, 0, 0);
      if (b < 0x20) return REJECT;
      if (b < 0x80) return NORMAL;
      if (b >= 0xc2 && b <= 0xdf) return pack(UTF8, 1, LEAD_ANY, b & 0x1f);
      if (b >= 0xe0 && b <= 0xef) return pack(UTF8, 2, b === 0xe0 ? LEAD_E0 : b === 0xed ? LEAD_ED : LEAD_ANY, b & 0x0f);
      if (b >= 0xf0 && b <= 0xf4) return pack(UTF8, 3, b === 0xf0 ? LEAD_F0 : b === 0xf4 ? LEAD_F4 : LEAD_ANY, b & 0x07);
      return REJECT;
    case ESC:
      if (b in SIMPLE_ESCAPES) return NORMAL;
      if (b === 0x75) return pack(HEX, 4, 0, 0);
      return REJECT;
    case HEX: {
      const d = hexValue(b);
      if (d < 0) return REJECT;
      const acc = accOf(s) * 16 + d;
      const need = needOf(s) - 1;
      if (need === 2 && acc >= 0xd8 && acc <= 0xdf) return REJECT; // no surrogates
      return need === 0 ? NORMAL : pack(HEX, need, 0, acc);
    }
    case UTF8: {
      const lead = leadOf(s);
      const lo = lead === LEAD_E0 ? 0xa0 : lead === LEAD_F0 ? 0x90 : 0x80;
      const hi = lead === LEAD_ED ? 0x9f : lead === LEAD_F4 ? 0x8f : 0xbf;
      if (b < lo || b > hi) return REJECT;
      const acc = accOf(s) * 64 + (b & 0x3f);
      const need = needOf(s) - 1;
      return need === 0 ? NORMAL : pack(UTF8, need, LEAD_ANY, acc);
    }
  }
  return REJECT;
}

/** Does byte `b` in state `s` start a new character (counted for min/maxLength)? */
export function startsChar(s: number, b: number): boolean {
  return modeOf(s) === NORMAL && b !== 0x22;
}

/** The code point completed by stepping `b` from `s`, or -1 if none completes. */
export function completedCodePoint(s: number, b: number): number {
  switch (modeOf(s)) {
    case NORMAL:
      return b < 0x80 && b !== 0x22 && b !== 0x5c ? b : -1;
    case ESC:
      return SIMPLE_ESCAPES[b] ?? -1;
    case HEX:
      return needOf(s) === 1 ? accOf(s) * 16 + hexValue(b) : -1;
    case UTF8:
      return needOf(s) === 1 ? accOf(s) * 64 + (b & 0x3f) : -1;
  }
  return -1;
}

/** Code points still reachable from a mid-character state (for pattern feasibility). */
export function pendingRange(s: number): [number, number] {
  const need = needOf(s);
  switch (modeOf(s)) {
    case ESC:
      return [0, 0xffff];
    case HEX: {
      const span = 16 ** need;
      return [accOf(s) * span, accOf(s) * span + span - 1];
    }
    case UTF8: {
      const span = 2 ** (6 * need);
      let lo = accOf(s) * span;
      let hi = lo + span - 1;
      const lead = leadOf(s);
      if (lead === LEAD_E0) lo = Math.max(lo, 0x800);
      if (lead === LEAD_F0) lo = Math.max(lo, 0x10000);
      if (lead === LEAD_ED) hi = Math.min(hi, 0xd7ff);
      if (lead === LEAD_F4) hi = Math.min(hi, 0x10ffff);
      return [lo, hi];
    }
  }
  return [0, 0x10ffff];
}

/** Bytes still needed to finish the current character. */
export function pendingBytes(s: number): number {
  const m = modeOf(s);
  if (m === NORMAL) return 0;
  if (m === ESC) return 1;
  return needOf(s);
}

/** `bytes` with `b` appended (keys are short, so copying is cheaper than a builder). */
export function appendByte(bytes: Uint8Array, b: number): Uint8Array {
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  out[bytes.length] = b;
  return out;
}
