/**
 * BFCL's AST checker, restated: a value matches when it equals one of the acceptable values, with
 * BFCL's leniencies — ints and floats compare by value; strings compare after lower-casing and
 * dropping spaces and `,./-_*^`; nested objects are matched key by key against their own lists.
 */

function standardize(s: string): string {
  return s.replace(/[ ,./\-_*^]/g, '').toLowerCase().replace(/'/g, '"');
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `value` equals the single acceptable `option` (BFCL rules). */
export function sameValue(value: unknown, option: unknown): boolean {
  if (typeof option === 'number') return typeof value === 'number' && value === option;
  if (typeof option === 'string') return typeof value === 'string' && standardize(value) === standardize(option);
  if (Array.isArray(option)) return Array.isArray(value) && value.length === option.length && option.every((o, i) => sameValue(value[i], o));
  if (isObject(option)) {
    // A nested dict in an answer maps each key to its own list of acceptable values.
    if (!isObject(value)) return false;
    return matchArgs(value, option as Record<string, unknown>);
  }
  return value === option;
}

/** `value` is one of `options`. */
export function acceptable(value: unknown, options: unknown): boolean {
  if (!Array.isArray(options)) return sameValue(value, options);
  return options.some((o) => o !== '' && sameValue(value, o));
}

/** Arguments match: no unknown keys, every given key acceptable, missing keys only where `""` is allowed. */
export function matchArgs(args: Record<string, unknown>, truth: Record<string, unknown>): boolean {
  for (const k of Object.keys(args)) if (!(k in truth)) return false;
  for (const [k, options] of Object.entries(truth)) {
    if (!(k in args)) {
      if (!(Array.isArray(options) && options.includes(''))) return false;
      continue;
    }
    if (!acceptable(args[k], options)) return false;
  }
  return true;
}
