/**
 * `propertyNames` where it names the keys outright (true, false, const, enum): every candidate
 * object accepted exactly as ajv says, random walks validate; other name constraints are refused.
 */
import Ajv2020 from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { checkSchema, compileGrammar, UnsupportedSchemaError } from '../../src/grammar/index.ts';
import { SchemaBuilder } from '../../src/grammar/schema/build.ts';
import { acceptsText } from '../helpers/accepts-text.ts';
import { canonicalJson } from '../../scripts/lib/canonical.ts';
import { drive, PICKERS } from '../helpers/drive.ts';
import { smallVocabulary } from '../helpers/small-vocab.ts';

const vocab = smallVocabulary();
const ajv = new Ajv2020({ strict: false });
const OBJECTS: Record<string, unknown>[] = [{}, { foo: 1 }, { bar: 'x' }, { foo: 1, bar: 'x' }, { baz: null }, { foo: 'x', baz: 2 }];

const SCHEMAS: Record<string, object> = {
  true: { propertyNames: true },
  false: { type: 'object', propertyNames: false },
  const: { type: 'object', propertyNames: { const: 'foo' } },
  'enum, beside declared and additional schemas': {
    type: 'object',
    properties: { foo: { type: 'integer' }, baz: { type: 'null' } },
    additionalProperties: { type: 'string' },
    propertyNames: { enum: ['foo', 'bar', 7] },
  },
};

describe('propertyNames', () => {
  for (const [name, schema] of Object.entries(SCHEMAS)) {
    it(`${name}: candidates accepted exactly as ajv says; walks validate`, () => {
      const validate = ajv.compile(schema);
      const root = new SchemaBuilder(schema).rootNode();
      for (const o of OBJECTS) {
        const text = canonicalJson(o, root) ?? JSON.stringify(o);
        expect(acceptsText(schema, text, vocab), `${text}: ajv says ${validate(o)}`).toBe(validate(o));
      }
      const g = compileGrammar(schema, vocab);
      for (const pick of Object.values(PICKERS)) {
        for (let seed = 1; seed <= 8; seed++) {
          const r = drive(g.matcher({ maxTokens: g.minBytes + 16 }), vocab, pick, seed, g.minBytes + 17);
          expect(r.emptyMaskAt).toBe(-1);
          expect(validate(JSON.parse(r.text)), r.text).toBe(true);
        }
      }
    });
  }

  it('a length or pattern on names is refused at propertyNames', () => {
    for (const pn of [{ maxLength: 3 }, { pattern: '^a+$' }]) {
      let err: unknown;
      try {
        checkSchema({ type: 'object', propertyNames: pn });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(UnsupportedSchemaError);
      expect((err as UnsupportedSchemaError).pointer).toBe('/propertyNames');
    }
  });
});
