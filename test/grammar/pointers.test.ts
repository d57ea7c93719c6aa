/**
 * Error pointers name the user's schema: a fault inside `allOf`, a `$ref`'d `$defs` entry or an
 * `anyOf`/`oneOf` branch merged with its siblings is reported where it is written, not at the
 * place the merged schema would have it (e.g. `/properties/to3/allOf/0/properties/steps2/format`,
 * not `/properties/to3/properties/steps2/format`, which does not exist).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkSchema, SchemaError, UnsatisfiableSchemaError } from '../../src/grammar/index.ts';
import { checkTools } from '../../src/planner/check-tools.ts';
import { ToolDefinitionError } from '../../src/planner/index.ts';

const escape = (s: string) => s.replaceAll('~', '~0').replaceAll('/', '~1');
const pointerOf = (path: readonly string[]) => path.map((k) => `/${escape(k)}`).join('');

/** Follows JSON pointer `pointer` in `doc` (own properties only); throws where it leads nowhere. */
function resolvePointer(doc: unknown, pointer: string): unknown {
  if (pointer === '') return doc;
  expect(pointer.startsWith('/'), `pointer ${JSON.stringify(pointer)}`).toBe(true);
  let cur = doc;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    const ok = Array.isArray(cur) ? /^(0|[1-9]\d*)$/.test(key) && Number(key) < cur.length : typeof cur === 'object' && cur !== null && Object.hasOwn(cur, key);
    if (!ok) throw new Error(`pointer ${pointer} leads nowhere at "${key}"`);
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

const lastSegment = (pointer: string) => pointer.slice(pointer.lastIndexOf('/') + 1).replaceAll('~1', '/').replaceAll('~0', '~');

/** The SchemaError `checkSchema(schema)` throws (failing the test when it throws none or another kind). */
function schemaErrorOf(schema: unknown): SchemaError & { keyword?: string } {
  try {
    checkSchema(schema);
  } catch (e) {
    if (e instanceof SchemaError) return e;
    throw e;
  }
  throw new Error(`no SchemaError thrown for ${JSON.stringify(schema)}`);
}

describe('a fault in a merged part is reported where it is written', () => {
  const str = (extra: Record<string, unknown>) => ({ type: 'string', ...extra });
  it.each<[string, unknown, string, string]>([
    ['allOf at the root', { allOf: [str({ format: 'hostname' })] }, '/allOf/0/format', 'format'],
    [
      'allOf inside a property',
      { type: 'object', properties: { to3: { allOf: [{ type: 'object', properties: { steps2: str({ format: 'hostname' }) } }] } } },
      '/properties/to3/allOf/0/properties/steps2/format',
      'format',
    ],
    [
      'nested allOf inside properties inside allOf',
      { allOf: [{ type: 'object', properties: { a: { allOf: [{ properties: { b: { type: 'array', uniqueItems: true } } }] } } }] },
      '/allOf/0/properties/a/allOf/0/properties/b/uniqueItems',
      'uniqueItems',
    ],
    [
      'allOf with a $ref into $defs',
      { allOf: [{ $ref: '#/$defs/x' }], $defs: { x: { type: 'object', properties: { a: { type: 'integer', multipleOf: 0.5 } } } } },
      '/$defs/x/properties/a/multipleOf',
      'multipleOf',
    ],
    [
      '$ref with siblings',
      { type: 'object', $ref: '#/$defs/x', required: ['a'], $defs: { x: { properties: { a: str({ pattern: '(?=a)b' }) } } } },
      '/$defs/x/properties/a/pattern',
      'pattern',
    ],
    [
      'a chain of $refs through allOf',
      { $ref: '#/$defs/a', $defs: { a: { allOf: [{ $ref: '#/$defs/b' }], type: 'object' }, b: { properties: { x: { multipleOf: 1.5 } } } } },
      '/$defs/b/properties/x/multipleOf',
      'multipleOf',
    ],
    [
      'a property declared in two allOf parts',
      { allOf: [{ properties: { a: { type: 'string' } } }, { properties: { a: { format: 'hostname' } } }] },
      '/allOf/1/properties/a/format',
      'format',
    ],
    [
      'a property met by the other part’s additionalProperties',
      { allOf: [{ additionalProperties: { multipleOf: 0.5 } }, { properties: { a: { type: 'integer' } }, required: ['a'] }] },
      '/allOf/0/additionalProperties/multipleOf',
      'multipleOf',
    ],
    [
      'prefixItems met by the other part’s items',
      { allOf: [{ type: 'array', prefixItems: [{ type: 'string' }] }, { items: str({ format: 'hostname' }) }] },
      '/allOf/1/items/format',
      'format',
    ],
    ['names with / and ~', { allOf: [{ properties: { 'a/b~c': { uniqueItems: true } } }] }, '/allOf/0/properties/a~1b~0c/uniqueItems', 'uniqueItems'],
    [
      'anyOf branches merged with their siblings',
      { type: 'object', required: ['a'], anyOf: [{ properties: { a: { type: 'array', uniqueItems: true } } }] },
      '/anyOf/0/properties/a/uniqueItems',
      'uniqueItems',
    ],
    [
      'anyOf inside allOf, merged with the siblings',
      { type: 'object', allOf: [{ anyOf: [{ properties: { a: { multipleOf: 1.5 } } }, { required: ['b'] }] }] },
      '/allOf/0/anyOf/0/properties/a/multipleOf',
      'multipleOf',
    ],
    [
      'a oneOf from allOf whose branches may overlap',
      { minLength: 1, allOf: [{ oneOf: [{ type: 'string' }, { type: 'string', maxLength: 3 }] }] },
      '/allOf/0',
      'oneOf',
    ],
    ['two different patterns in one allOf', { allOf: [str({ pattern: 'a' }), { pattern: 'b' }] }, '/allOf/1/pattern', 'pattern'],
    ['format together with pattern from two parts', { allOf: [str({ pattern: 'a' }), { format: 'date' }] }, '/allOf/1/format', 'format'],
    [
      'multipleOf on a number in a part',
      { allOf: [{ type: 'object', properties: { n: { type: 'number', multipleOf: 0.5 } } }] },
      '/allOf/0/properties/n/multipleOf',
      'multipleOf',
    ],
    [
      'an invalid pattern in a part (not a u-flag RegExp)',
      { allOf: [{ properties: { a: str({ pattern: '[' }) } }] },
      '/allOf/0/properties/a/pattern',
      'pattern',
    ],
    [
      'an unsupported keyword inside prefixItems of a part',
      { allOf: [{ type: 'array' }, { prefixItems: [{ not: { minLength: 1 } }] }] },
      '/allOf/1/prefixItems/0/not',
      'not',
    ],
  ])('%s', (_, schema, pointer, keyword) => {
    const e = schemaErrorOf(schema);
    expect(e.pointer).toBe(pointer);
    const target = resolvePointer(schema, e.pointer);
    // A oneOf is refused at the schema that holds it (as without allOf); any other fault at its keyword.
    if (keyword === 'oneOf') expect(Object.hasOwn(target as object, 'oneOf')).toBe(true);
    else expect(lastSegment(e.pointer)).toBe(keyword);
    if (e.keyword !== undefined) expect(e.keyword).toBe(keyword);
  });

  it('an impossible schema made by merging: the pointer resolves', () => {
    for (const schema of [
      { type: 'object', required: ['a'], allOf: [{ properties: { a: false } }] },
      { type: 'object', required: ['a'], allOf: [{ properties: { a: { allOf: [{ const: 1 }, { const: 2 }] } } }] },
      { allOf: [{ type: 'object', properties: { a: { $ref: '#/$defs/n' } }, required: ['a'] }], $defs: { n: { allOf: [{ enum: [1] }, { enum: [2] }] } } },
      { allOf: [{ type: 'string' }, { type: 'integer' }] },
    ]) {
      const e = schemaErrorOf(schema);
      expect(() => resolvePointer(schema, e.pointer), `${e.message} for ${JSON.stringify(schema)}`).not.toThrow();
      if (e instanceof UnsatisfiableSchemaError) continue;
      expect(lastSegment(e.pointer)).toBe((e as { keyword?: string }).keyword);
    }
  });

  it('checkTools names the same pointer (ToolDefinitionError)', () => {
    const parameters = { type: 'object', properties: { to3: { allOf: [{ type: 'object', properties: { steps2: { type: 'string', format: 'hostname' } } }] } } };
    let err: unknown;
    try {
      checkTools([{ name: 'f', parameters }]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ToolDefinitionError);
    expect((err as ToolDefinitionError).pointer).toBe('/properties/to3/allOf/0/properties/steps2/format');
    expect(resolvePointer(parameters, (err as ToolDefinitionError).pointer)).toBe('hostname');
  });
});

describe('property: random nestings around one faulty keyword', () => {
  /** A faulty leaf the engine refuses where it builds (well-formed as JSON Schema), and its keyword. */
  const faults: [Record<string, unknown>, string][] = [
    [{ type: 'integer', multipleOf: 0.5 }, 'multipleOf'],
    [{ type: 'array', uniqueItems: true }, 'uniqueItems'],
    [{ type: 'string', format: 'hostname' }, 'format'],
    [{ type: 'number', multipleOf: 0.5 }, 'multipleOf'],
    [{ type: 'string', pattern: '(?=a)b' }, 'pattern'],
    [{ not: { minLength: 1 } }, 'not'],
  ];
  const name = fc.constantFrom('a', 'b', 'x/y', 't~1', 'p q');
  /** Harmless parts that merge with the path: properties of the same names, annotations. */
  const sibling = fc.oneof(
    fc.constant<Record<string, unknown>>({}),
    fc.constant<Record<string, unknown>>({ title: 'x' }),
    name.map((n) => ({ properties: { [n]: {} } })),
    name.map((n) => ({ properties: { [n]: { description: 'd' } }, required: [n] })),
    fc.constant<Record<string, unknown>>({ additionalProperties: {} }),
  );
  type Step =
    | { kind: 'allOf'; before: Record<string, unknown>[]; after: Record<string, unknown>[]; own: Record<string, unknown> }
    | { kind: 'properties'; name: string; other: Record<string, unknown> }
    | { kind: 'defs'; name: string; own: Record<string, unknown> }
    | { kind: 'anyOf'; own: Record<string, unknown>; others: number };
  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.record({ kind: fc.constant('allOf' as const), before: fc.array(sibling, { maxLength: 2 }), after: fc.array(sibling, { maxLength: 2 }), own: sibling }),
    fc.record({ kind: fc.constant('properties' as const), name, other: sibling }),
    fc.record({ kind: fc.constant('defs' as const), name, own: sibling }),
    fc.record({ kind: fc.constant('anyOf' as const), own: fc.constantFrom<Record<string, unknown>>({}, { minProperties: 0 }, { title: 't' }), others: fc.integer({ min: 0, max: 1 }) }),
  );

  /** The schema at `path` (keys from the root) made of `steps`, and the path of its fault. */
  function make(steps: readonly Step[], path: string[], leaf: Record<string, unknown>): [unknown, string[]] {
    if (steps.length === 0) return [structuredClone(leaf), path];
    const [s, ...rest] = steps as [Step, ...Step[]];
    switch (s.kind) {
      case 'allOf': {
        const i = s.before.length;
        const [inner, at] = make(rest, [...path, 'allOf', String(i)], leaf);
        return [{ ...structuredClone(s.own), allOf: [...structuredClone(s.before), inner, ...structuredClone(s.after)] }, at];
      }
      case 'properties': {
        const [inner, at] = make(rest, [...path, 'properties', s.name], leaf);
        const other = s.name === 'a' ? 'b' : 'a';
        return [{ type: 'object', properties: { [s.name]: inner, [other]: structuredClone(s.other) }, required: [s.name] }, at];
      }
      case 'defs': {
        const defPath = [...path, '$defs', s.name];
        const [inner, at] = make(rest, defPath, leaf);
        const ref = `#${defPath.map((k) => `/${encodeURIComponent(escape(k))}`).join('')}`;
        return [{ ...structuredClone(s.own), $ref: ref, $defs: { [s.name]: inner } }, at];
      }
      case 'anyOf': {
        const [inner, at] = make(rest, [...path, 'anyOf', '0'], leaf);
        const others = Array.from({ length: s.others }, () => ({ type: 'null' }));
        return [{ ...structuredClone(s.own), anyOf: [inner, ...others] }, at];
      }
    }
  }

  it('the pointer resolves, to the faulty keyword, wherever the nesting puts it', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 6 }), fc.constantFrom(...faults), (steps, [leaf, keyword]) => {
        const [schema, at] = make(steps, [], leaf);
        const e = schemaErrorOf(schema);
        const where = `${e.message} in ${JSON.stringify(schema)}`;
        expect(e.pointer, where).toBe(pointerOf([...at, keyword]));
        expect(resolvePointer(schema, e.pointer), where).toEqual(leaf[keyword]);
      }),
      { numRuns: 1500, seed: 20260601 },
    );
  });
});

describe('merging clashing consts', () => {
  it('stays impossible whatever enum sits beside them (an enum met later no longer undoes it)', async () => {
    const { compileGrammar, UnsatisfiableSchemaError } = await import('../../src/grammar/index.ts');
    const { smallVocabulary } = await import('../helpers/small-vocab.ts');
    for (const schema of [
      { const: 1, enum: [1, 2], allOf: [{ const: 2 }] },
      { allOf: [{ const: 1 }, { const: 2, enum: [1, 2] }] },
      { allOf: [{ enum: [1, 2], const: 1 }, { const: 2 }] },
    ]) {
      expect(() => compileGrammar(schema, smallVocabulary()), JSON.stringify(schema)).toThrow(UnsatisfiableSchemaError);
    }
  });
});
