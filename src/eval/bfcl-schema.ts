/**
 * BFCL (Berkeley Function Calling Leaderboard) writes parameter schemas in a Python-flavoured
 * dialect. This adapter maps it to JSON Schema 2020-12, and changes nothing else:
 * - `"type": "dict"` → `"object"`, `"float"` → `"number"`, `"tuple"` → `"array"`;
 * - `"type": "any"` → no `type` (any JSON value);
 * - `"optional"` (an annotation that repeats what `required` says) is dropped.
 * Everything else, including keywords the engine may refuse, is passed through as written.
 */

const TYPE_MAP: Record<string, string | null> = { dict: 'object', float: 'number', tuple: 'array', any: null };

export function bfclToJsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(bfclToJsonSchema);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'optional') continue;
    if (k === 'type' && typeof v === 'string' && v in TYPE_MAP) {
      const t = TYPE_MAP[v];
      if (t) out.type = t;
      continue;
    }
    if (k === 'properties' && typeof v === 'object' && v !== null) {
      out.properties = Object.fromEntries(Object.entries(v).map(([p, s]) => [p, bfclToJsonSchema(s)]));
      continue;
    }
    // Values of enum/default/examples are data, not schemas.
    out[k] = k === 'enum' || k === 'default' || k === 'examples' ? v : bfclToJsonSchema(v);
  }
  return out;
}
