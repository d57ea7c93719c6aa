/**
 * A union whose branch's property refers back to the union moves into the value: it compiles
 * (discrimination skips the property instead of re-entering the union), and random walks give
 * valid documents; a loop that never moves into the value is still a typed refusal.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileGrammar, SchemaError } from '../../src/grammar/index.ts';
import { drive, PICKERS } from '../helpers/drive.ts';
import { smallVocabulary } from '../helpers/small-vocab.ts';

const vocab = smallVocabulary();
const ajv = new Ajv2020({ strict: false });

const REPRO = {
  $defs: { t: { anyOf: [{ type: 'object', properties: { x: { $ref: '#/$defs/t' } }, required: ['x'] }, { type: 'object', properties: { y: { type: 'string' } }, required: ['y'] }] } },
  $ref: '#/$defs/t',
};

function valid(schema: object, seeds: number): void {
  const g = compileGrammar(schema, vocab);
  const validate = ajv.compile(schema);
  for (let seed = 1; seed <= seeds; seed++) {
    const r = drive(g.matcher({ maxTokens: 120 }), vocab, PICKERS.uniform!, seed, 130);
    expect(r.emptyMaskAt).toBe(-1);
    expect(validate(JSON.parse(r.text))).toBe(true);
  }
}

describe('recursive unions', () => {
  it('the reproduction compiles and every walk is a valid document', () => {
    valid(REPRO, 20);
  });

  it('a union that refers to itself in place is still refused, typed', () => {
    expect(() => compileGrammar({ $defs: { t: { anyOf: [{ $ref: '#/$defs/t' }, { type: 'string' }] } }, $ref: '#/$defs/t' }, vocab)).toThrow(SchemaError);
  });

  it('random recursive unions compile (then walk to valid documents) or are refused typed', () => {
    const prop = fc.constantFrom<object>({ $ref: '#/$defs/t' }, { type: 'string', maxLength: 3 }, { const: 'k' }, { enum: [1, 2] }, { type: 'array', items: { $ref: '#/$defs/t' }, maxItems: 2 });
    const branch = fc
      .dictionary(fc.constantFrom('a', 'b', 'kind', 'x'), prop, { minKeys: 1, maxKeys: 3 })
      .chain((props) => fc.subarray(Object.keys(props)).map((required) => ({ type: 'object', properties: props, required, additionalProperties: false })));
    fc.assert(
      fc.property(fc.array(branch, { minLength: 2, maxLength: 3 }), fc.boolean(), (branches, oneOf) => {
        const schema = { $defs: { t: { [oneOf ? 'oneOf' : 'anyOf']: branches } }, $ref: '#/$defs/t' };
        let compiled = true;
        try {
          compileGrammar(schema, vocab);
        } catch (e) {
          expect(e).toBeInstanceOf(SchemaError);
          compiled = false;
        }
        if (compiled) valid(schema, 2);
      }),
      { numRuns: 60 },
    );
  });
});
