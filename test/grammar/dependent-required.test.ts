/**
 * `dependentRequired` (and `dependencies` in its array form, which ajv applies in 2020-12 too): for
 * every subset of the keys involved, the engine accepts the object exactly when ajv does; random
 * walks under a tight budget always complete and validate; schema-form dependencies are refused.
 */
import Ajv2020 from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { checkSchema, compileGrammar, UnsupportedSchemaError } from '../../src/grammar/index.ts';
import { SchemaBuilder } from '../../src/grammar/schema/build.ts';
import { canonicalJson } from '../../scripts/lib/canonical.ts';
import { drive, PICKERS } from '../helpers/drive.ts';
import { acceptsText } from '../helpers/accepts-text.ts';
import { smallVocabulary } from '../helpers/small-vocab.ts';

const vocab = smallVocabulary();
const ajv = new Ajv2020({ strict: false });

const accepts = (schema: object, text: string) => acceptsText(schema, text, vocab, 300);

const VALUES: Record<string, unknown> = { a: 1, b: 'x', c: true, d: null, z: 2 };
const SCHEMAS: Record<string, object> = {
  'a later dependent': { type: 'object', properties: { a: { type: 'integer' }, b: { type: 'string' }, c: { type: 'boolean' } }, dependentRequired: { a: ['c'] } },
  'an earlier dependent': { type: 'object', properties: { a: { type: 'integer' }, b: { type: 'string' }, c: { type: 'boolean' } }, dependentRequired: { c: ['a'] } },
  'a chain and a cycle': {
    type: 'object',
    properties: { a: { type: 'integer' }, b: { type: 'string' }, c: { type: 'boolean' }, d: { type: 'null' } },
    dependentRequired: { a: ['b'], b: ['c'], d: ['a'], c: ['d'] },
  },
  'undeclared names, additional properties allowed': { type: 'object', properties: { b: { type: 'string' } }, dependentRequired: { z: ['d'], b: ['z'] } },
  'an undeclared dependent that cannot appear': { type: 'object', properties: { a: { type: 'integer' }, b: { type: 'string' } }, additionalProperties: false, dependentRequired: { a: ['d'] } },
  'dependencies, array form, with required and minProperties': {
    type: 'object',
    properties: { a: { type: 'integer' }, b: { type: 'string' }, c: { type: 'boolean' } },
    required: ['b'],
    minProperties: 2,
    dependencies: { c: ['a'] },
  },
};

const subsets = (keys: string[]): string[][] => keys.reduce<string[][]>((acc, k) => [...acc, ...acc.map((s) => [...s, k])], [[]]);

describe('dependentRequired', () => {
  for (const [name, schema] of Object.entries(SCHEMAS)) {
    it(`${name}: every subset of keys accepted exactly when ajv accepts it`, () => {
      const root = new SchemaBuilder(schema).rootNode();
      const validate = ajv.compile(schema);
      let valid = 0;
      for (const keys of subsets(Object.keys(VALUES))) {
        const data = Object.fromEntries(keys.map((k) => [k, VALUES[k]]));
        const ok = validate(data);
        const text = canonicalJson(data, root) ?? JSON.stringify(data);
        expect(accepts(schema, text), `${text}: ajv says ${ok}`).toBe(ok);
        if (ok) valid++;
      }
      expect(valid).toBeGreaterThan(0);
    });

    it(`${name}: random walks within the shortest budget validate`, () => {
      const g = compileGrammar(schema, vocab);
      const validate = ajv.compile(schema);
      for (const budget of [g.minBytes, g.minBytes + 12]) {
        for (const [picker, pick] of Object.entries(PICKERS)) {
          for (let seed = 1; seed <= 10; seed++) {
            const r = drive(g.matcher({ maxTokens: budget }), vocab, pick, seed, budget + 1);
            expect(r.emptyMaskAt, `${picker} ${seed}`).toBe(-1);
            expect(validate(JSON.parse(r.text)), `${r.text}`).toBe(true);
          }
        }
      }
    });
  }

  it('schema-form dependencies stay refused; a malformed dependentRequired is invalid', () => {
    expect(() => checkSchema({ dependencies: { a: { required: ['b'] } } })).toThrow(UnsupportedSchemaError);
    expect(() => checkSchema({ dependentSchemas: { a: { required: ['b'] } } })).toThrow(UnsupportedSchemaError);
    expect(() => checkSchema({ dependentRequired: { a: [1] } })).toThrow(/dependentRequired/);
  });
});
