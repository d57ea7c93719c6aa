/**
 * Structures (text around JSON values, XML parameters): valid by construction like schemas. For
 * random tool sets, in both tool-call syntaxes, any token picker ends with text that splits into
 * calls whose arguments — read back by the same rules the grammar wrote them — pass ajv.
 */
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compileStructure,
  InvalidSchemaError,
  parseXmlParameters,
  TokenRejectedError,
  UnsupportedSchemaError,
  type GrammarMatcher,
  type Structure,
} from '../../src/grammar/index.ts';
import { drive, PICKERS } from '../helpers/drive.ts';
import { name, schemaArb, type Schema } from '../helpers/schema-arb.ts';
import { smallVocabulary } from '../helpers/small-vocab.ts';
import { parseToolCalls, toolCallStructure, type ToolCallSyntax } from '../../src/planner/tool-calls.ts';
import type { Tool } from '../../src/planner/tools.ts';

const vocab = smallVocabulary();
const enc = new TextEncoder();

// The planner's tool-call structures and reader are the realistic structures to test the engine on.
const calls = (tools: readonly Tool[], syntax: ToolCallSyntax, max: number): Structure => toolCallStructure(tools, syntax, 1, max);

function validator(schema: Schema) {
  const ajv = new Ajv2020({ strict: true, strictTuples: false });
  addFormats(ajv);
  return ajv.compile(schema);
}

/** Object parameters built from random property schemas; no count bounds at the root (XML refuses those). */
const paramsArb: fc.Arbitrary<Schema> = fc
  .record({
    props: fc.uniqueArray(fc.tuple(name, schemaArb), { maxLength: 3, selector: ([k]) => k }),
    required: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
  })
  .map(({ props, required }) => {
    const s: Schema = { type: 'object', properties: Object.fromEntries(props), additionalProperties: false };
    const req = props.filter((_, i) => required[i]).map(([k]) => k);
    if (req.length) s.required = req;
    return s;
  });

const toolsArb = fc
  .uniqueArray(fc.constantFrom('search', 'send_email', 'get', 'get_weather', 'summarize'), { minLength: 1, maxLength: 3 })
  .chain((names) => fc.tuple(...names.map((n) => paramsArb.map((parameters): Tool => ({ name: n, description: '', parameters })))));

describe('property: tool calls are valid by construction', () => {
  for (const syntax of ['json', 'xml'] as const) {
    for (const [pickerName, pick] of Object.entries(PICKERS)) {
      it(`${syntax} calls × ${pickerName} picker, budget 160 tokens`, () => {
        let completed = 0;
        fc.assert(
          fc.property(toolsArb, fc.integer({ min: 1, max: 2 ** 30 }), (tools, seed) => {
            const g = compileStructure(calls(tools, syntax, 3), vocab);
            const budget = 160;
            if (g.minBytes > budget) return;
            const r = drive(g.matcher({ maxTokens: budget }), vocab, pick, seed, budget + 1);
            expect(r.emptyMaskAt, `empty mask at step ${r.emptyMaskAt}`).toBe(-1);
            expect(r.tokens[r.tokens.length - 1]).toBe(vocab.stopTokens[0]);
            const steps = parseToolCalls(r.text, tools, syntax);
            expect(steps.length).toBeGreaterThanOrEqual(1);
            expect(steps.length).toBeLessThanOrEqual(3);
            for (const c of steps) {
              const tool = tools.find((t) => t.name === c.tool);
              expect(tool, c.tool).toBeDefined();
              const validate = validator(tool!.parameters);
              expect(validate(c.args), `${r.text} vs ${JSON.stringify(tool!.parameters)}: ${JSON.stringify(validate.errors)}`).toBe(true);
            }
            completed++;
          }),
          { numRuns: 40, seed: 20261124 + pickerName.length + (syntax === 'xml' ? 7 : 0) },
        );
        expect(completed).toBeGreaterThan(30);
      });
    }
  }
});

function feed(m: GrammarMatcher, text: string): void {
  for (const t of vocab.tokenize(enc.encode(text))) m.accept(t);
}

describe('XML parameters', () => {
  const tool: Tool = {
    name: 'note',
    description: '',
    parameters: {
      type: 'object',
      properties: {
        title: { type: 'string', maxLength: 40 },
        pinned: { type: 'boolean' },
        count: { type: 'integer', minimum: 0, maximum: 99 },
        tags: { type: 'array', items: { type: 'string' } },
        color: { enum: ['red', 'green'] },
        code: { type: 'string', pattern: '^[A-Z]{2}$' },
      },
      required: ['title'],
    },
  };
  const grammar = compileStructure(calls([tool], 'xml', 1), vocab);
  const call = (params: string) => `<tool_call>\n<function=note>\n${params}</function>\n</tool_call>`;
  const p = (k: string, v: string) => `<parameter=${k}>\n${v}\n</parameter>\n`;

  it('accepts raw strings (quotes, backslashes, newlines, a near-terminator), Python booleans, JSON lists; reads them back typed', () => {
    const title = 'say "hi" \\ to\nall\n</parameter or not';
    const text = call(p('title', title) + p('pinned', 'True') + p('count', '42') + p('tags', '["a", "b"]') + p('color', 'green') + p('code', 'PT'));
    const m = grammar.matcher();
    feed(m, text);
    expect(m.isComplete()).toBe(true);
    const body = text.slice('<tool_call>\n<function=note>\n'.length, -'</function>\n</tool_call>'.length);
    expect(parseXmlParameters(tool.parameters, body)).toEqual({ title, pinned: true, count: 42, tags: ['a', 'b'], color: 'green', code: 'PT' });
  });

  it.each([
    ['a required parameter left out', call(p('pinned', 'false'))],
    ['parameters out of declared order', call(p('title', 'x') + p('count', '1') + p('pinned', 'true'))],
    ['a string over maxLength', call(p('title', 'x'.repeat(41)))],
    ['a value off the enum', call(p('title', 'x') + p('color', 'blue'))],
    ['a value off the pattern', call(p('title', 'x') + p('code', 'pt'))],
    ['a quoted number', call(p('title', 'x') + p('count', '"4"'))],
    ['an undeclared parameter', call(p('title', 'x') + p('size', '1'))],
    ['a raw control character', call(p('title', 'a\u0001b'))],
  ])('rejects %s', (_, text) => {
    const m = grammar.matcher();
    let err: unknown;
    try {
      feed(m, text);
      if (!m.isComplete()) err = 'incomplete';
    } catch (e) {
      err = e;
    }
    expect(err === 'incomplete' || err instanceof TokenRejectedError, String(err)).toBe(true);
  });

  it('refuses what it cannot write or count, with typed errors', () => {
    expect(() => compileStructure({ type: 'xml_parameters', schema: { type: 'array' } }, vocab)).toThrow(UnsupportedSchemaError);
    expect(() => compileStructure({ type: 'xml_parameters', schema: { type: 'object', properties: { a: {} }, minProperties: 1 } }, vocab)).toThrow(UnsupportedSchemaError);
    expect(() =>
      compileStructure({ type: 'select', options: [{ prefix: 'get', then: { type: 'text', text: '' } }, { prefix: 'get_x', then: { type: 'text', text: '' } }] }, vocab),
    ).toThrow(InvalidSchemaError);
  });

  it('an empty raw string and one ending in a newline close at the leftmost terminator', () => {
    for (const title of ['', 'a\n']) {
      const m = grammar.matcher();
      const text = call(p('title', title));
      feed(m, text);
      expect(m.isComplete()).toBe(true);
      expect(parseXmlParameters(tool.parameters, text.slice("<tool_call>\n<function=note>\n".length, -"</function>\n</tool_call>".length))).toEqual({ title });
    }
  });
});
