/** fast-check arbitraries of JSON Schemas from the engine's supported subset. */
import fc from 'fast-check';

export type Schema = Record<string, unknown>;

export const name = fc.constantFrom('a', 'id', 'query', 'city', 'n', 'é', 'tags', 'x_y');
export const scalar: fc.Arbitrary<Schema> = fc.oneof(
  fc.record({ type: fc.constant('string'), minLength: fc.integer({ min: 0, max: 3 }), maxLength: fc.integer({ min: 3, max: 12 }) }, { requiredKeys: ['type'] }),
  fc.record({ type: fc.constant('string'), pattern: fc.constantFrom('^[a-z]+$', '^\\d{3}-\\d{2}$', 'ab', '^(yes|no)$', '^[A-Z][a-z]*( [A-Z][a-z]*)?$') }),
  fc.record({
    type: fc.constant('string'),
    format: fc.constantFrom('date', 'time', 'date-time', 'email', 'uri', 'uuid', 'ipv4', 'iso-time', 'byte', 'ipv6', 'json-pointer', 'uri-reference', 'uri-template'),
  }),
  fc.record(
    { type: fc.constant('integer'), minimum: fc.integer({ min: -50, max: 10 }), maximum: fc.integer({ min: 10, max: 2000 }) },
    { requiredKeys: ['type'] },
  ),
  fc.record({ type: fc.constant('integer'), exclusiveMinimum: fc.integer({ min: 100, max: 120 }) }),
  fc.constant({ type: 'number' }),
  fc.record(
    { type: fc.constant('number'), minimum: fc.constantFrom(0, 0.1, -1.5, 0.3), exclusiveMaximum: fc.constantFrom(0.5, 1, 2.5, 100) },
    { requiredKeys: ['type'] },
  ),
  fc.record({ type: fc.constant('number'), exclusiveMinimum: fc.constantFrom(0, 0.7), maximum: fc.constantFrom(0.75, 1, 1e6) }, { requiredKeys: ['type'] }),
  fc.constant({ type: 'boolean' }),
  fc.constant({ type: 'null' }),
  fc.constant({ type: ['string', 'null'], maxLength: 4 }),
  fc.record({ enum: fc.uniqueArray(fc.oneof(fc.constantFrom('red', 'green', 'blue', 'ünï'), fc.integer({ min: -5, max: 120 }), fc.constant(null)), { minLength: 1, maxLength: 4, selector: (v) => JSON.stringify(v) }) }),
  fc.record({ const: fc.constantFrom('fixed', 42, true) }),
);

export const schemaArb: fc.Arbitrary<Schema> = fc.letrec<{ node: Schema }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc
      .record({
        props: fc.uniqueArray(fc.tuple(name, tie('node')), { maxLength: 3, selector: ([k]) => k }),
        required: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
        additional: fc.constantFrom<unknown>(false, true, { type: 'integer', minimum: 0, maximum: 9 }, undefined),
        maxProperties: fc.option(fc.integer({ min: 2, max: 4 }), { nil: undefined }),
      })
      .map(({ props, required, additional, maxProperties }) => {
        const s: Schema = { type: 'object', properties: Object.fromEntries(props) };
        const req = props.filter((_, i) => required[i]).map(([k]) => k);
        if (req.length) s.required = req;
        if (additional !== undefined) s.additionalProperties = additional;
        if (maxProperties !== undefined && maxProperties >= req.length) s.maxProperties = maxProperties;
        return s;
      }),
    fc
      .record({ items: tie('node'), minItems: fc.integer({ min: 0, max: 2 }), extra: fc.integer({ min: 0, max: 3 }) })
      .map(({ items, minItems, extra }) => ({ type: 'array', items, minItems, maxItems: minItems + extra })),
    fc.record({ prefixItems: fc.array(tie('node'), { minLength: 1, maxLength: 2 }), items: fc.constant(false) }).map((s) => ({ type: 'array', ...s })),
    fc.array(tie('node'), { minLength: 2, maxLength: 3 }).map((anyOf) => ({ anyOf })),
  ),
})).node;
