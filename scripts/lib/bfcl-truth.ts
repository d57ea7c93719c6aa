/** BFCL ground truths as instances: the first acceptable value of each parameter, nested dicts too. */

/** BFCL answers list acceptable values per parameter; "" means "may be left out". */
function firstOption(options: unknown[]): unknown {
  const v = options.find((o) => o !== '');
  return v === undefined ? undefined : truthValue(v);
}

/** A ground-truth call's arguments (or any value inside them) with each option list resolved to its first value. */
export function truthValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(truthValue);
  if (typeof v === 'object' && v !== null) {
    return Object.fromEntries(
      Object.entries(v)
        .map(([k, o]) => [k, Array.isArray(o) ? firstOption(o) : o] as const)
        .filter(([, x]) => x !== undefined),
    );
  }
  return v;
}
