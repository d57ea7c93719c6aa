/**
 * Bytes a cache entry holds, as far as they can be counted: typed arrays exactly (their buffers'
 * views), plus a small fixed cost per object, array, map entry and string. JavaScript gives no way to
 * measure an object graph, so the engine's byte bounds are bounds on this count; the typed arrays
 * (token masks, id lists) are what grows with the vocabulary, and they are counted exactly.
 */
const OBJECT = 32;
const SLOT = 8;

/** The counted bytes of `value`, walking objects, arrays and maps to `depth` levels (cycles counted once). */
export function heldBytes(value: unknown, depth = 4, seen = new Set<object>()): number {
  if (typeof value === 'string') return 24 + 2 * value.length;
  if (typeof value !== 'object' || value === null) return SLOT;
  if (seen.has(value)) return SLOT;
  seen.add(value);
  if (ArrayBuffer.isView(value)) return OBJECT + value.byteLength;
  if (depth === 0) return OBJECT;
  let n = OBJECT;
  if (value instanceof Map) {
    for (const [k, v] of value) n += SLOT + heldBytes(k, depth - 1, seen) + heldBytes(v, depth - 1, seen);
    return n;
  }
  if (Array.isArray(value)) {
    for (const v of value) n += heldBytes(v, depth - 1, seen);
    return n;
  }
  for (const k of Object.keys(value)) n += SLOT + heldBytes((value as Record<string, unknown>)[k], depth - 1, seen);
  return n;
}
