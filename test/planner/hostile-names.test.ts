/**
 * Property names that objects inherit (`constructor`, `toString`, …) or that set a prototype when
 * assigned (`__proto__`): the final re-validation counts own properties only, as JSON does, and
 * every read-back turns a model-written name into an own data property of a plain object.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSchema, parseXmlParameters, readXmlParameters } from '../../src/grammar/index.ts';
import { PlanValidationError } from '../../src/planner/errors.ts';
import { Planner } from '../../src/planner/planner.ts';
import { parseToolCalls, ToolCallScanner } from '../../src/planner/tool-calls.ts';
import { normalizeTools, type JsonSchema, type Tool } from '../../src/planner/tools.ts';
import { validatePlan } from '../../src/planner/validate-plan.ts';
import { modelDir } from '../../scripts/lib/fixtures.ts';

const INHERITED = ['constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString', '__defineGetter__', '__proto__'];
const P = '__proto__';

/** `{ [name]: value, … }` with own keys, `__proto__` included (a literal `__proto__:` would set the prototype). */
const own = (...entries: [string, unknown][]): Record<string, unknown> => Object.fromEntries(entries);
const toolOf = (parameters: JsonSchema): Tool[] => normalizeTools([{ name: 'f', parameters }]);
const planOf = (args: unknown) => ({ steps: [{ id: 1, tool: 'f', args, depends_on: [] }] });
const errorsOf = (fn: () => unknown): readonly string[] => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(PlanValidationError);
    return (e as PlanValidationError).errors;
  }
  return [];
};

describe('validatePlan: own properties only', () => {
  it.each(INHERITED)('an optional %s may be left out, a required one may not', (name) => {
    const optional = toolOf({ type: 'object', properties: own([name, { type: 'string' }]), additionalProperties: false });
    expect(validatePlan(planOf({}), optional, 1, 1).steps).toHaveLength(1);
    const required = toolOf({ type: 'object', properties: own([name, { type: 'string' }]), required: [name] });
    expect(errorsOf(() => validatePlan(planOf({}), required, 1, 1))).toEqual([`/steps/0/args must have required property '${name}'`]);
  });

  it.each(INHERITED)('an own %s is checked against its declared schema', (name) => {
    const tools = toolOf({ type: 'object', properties: own([name, { type: 'string', maxLength: 3 }]), required: [name], additionalProperties: false });
    // JSON.parse, as the planner reads a plan: `"__proto__"` becomes an own property.
    const text = (v: unknown) => `{"steps":[{"id":1,"tool":"f","args":{${JSON.stringify(name)}:${JSON.stringify(v)}},"depends_on":[]}]}`;
    const args = validatePlan(JSON.parse(text('abc')), tools, 1, 1).steps[0]!.args;
    expect(Object.hasOwn(args, name) && args[name]).toBe('abc');
    expect(errorsOf(() => validatePlan(JSON.parse(text(5)), tools, 1, 1))).toEqual([`/steps/0/args/${name} must be string`]);
    expect(errorsOf(() => validatePlan(JSON.parse(text('abcd')), tools, 1, 1))).toEqual([`/steps/0/args/${name} must NOT have more than 3 characters`]);
  });

  it('an undeclared own __proto__ is an additional property; a declared one is not', () => {
    const closed = toolOf({ type: 'object', properties: { a: { type: 'integer' } }, additionalProperties: false });
    expect(errorsOf(() => validatePlan(planOf(own([P, 1])), closed, 1, 1))).toEqual(['/steps/0/args must NOT have additional properties']);
    const open = toolOf({ type: 'object', properties: { a: { type: 'integer' } }, additionalProperties: { type: 'integer' } });
    expect(validatePlan(planOf(own([P, 1])), open, 1, 1).steps).toHaveLength(1);
    expect(errorsOf(() => validatePlan(planOf(own([P, 'x'])), open, 1, 1))).toEqual([`/steps/0/args/${P} must be integer`]);
  });

  it('__proto__ nested, behind a $ref, in const data, and next to a look-alike name', () => {
    const inner = { type: 'object', properties: own([P, { type: 'integer' }], ['\0__proto__', { type: 'string' }]), required: [P], additionalProperties: false };
    const tools = toolOf({ type: 'object', properties: own(['o', inner], ['r', { $ref: `#/properties/o/properties/${P}` }], ['c', { const: own([P, 1]) }]) });
    const ok = own(['o', own([P, 1], ['\0__proto__', 's'])], ['r', 2], ['c', own([P, 1])]);
    expect(validatePlan(planOf(ok), tools, 1, 1).steps).toHaveLength(1);
    const bad = own(['o', own(['\0__proto__', 1])], ['r', 'x'], ['c', {}]);
    expect([...errorsOf(() => validatePlan(planOf(bad), tools, 1, 1))].sort()).toEqual([
      '/steps/0/args/c must be equal to constant',
      `/steps/0/args/o must have required property '${P}'`,
      '/steps/0/args/o/\0__proto__ must be string',
      '/steps/0/args/r must be integer',
    ]);
  });

  it('step keys must be own: a prototype cannot supply depends_on', () => {
    const step = Object.assign(Object.create({ depends_on: [] }) as Record<string, unknown>, { id: 1, tool: 'f', args: {}, extra: 1 });
    expect(errorsOf(() => validatePlan({ steps: [step] }, toolOf({ type: 'object' }), 1, 1))).toEqual(['/steps/0 must have exactly id, tool, args, depends_on']);
  });
});

const NAMES_SCHEMA: JsonSchema = {
  type: 'object',
  properties: own([P, { anyOf: [{ type: 'string' }, { type: 'null' }] }], ['constructor', { type: 'integer' }], ['toString', { type: 'string' }], ['o', { type: 'object' }]),
  required: [P],
  additionalProperties: false,
};
const tools = normalizeTools([{ name: 'f', parameters: NAMES_SCHEMA }]);

function expectOwnArgs(args: Record<string, unknown>, want: Record<string, unknown>): void {
  expect(Object.getPrototypeOf(args)).toBe(Object.prototype);
  for (const k of Object.keys(want)) expect(Object.hasOwn(args, k), k).toBe(true);
  expect(Object.keys(args).sort()).toEqual(Object.keys(want).sort());
  for (const [k, v] of Object.entries(want)) expect(Object.getOwnPropertyDescriptor(args, k)?.value, k).toEqual(v);
}

describe('read-back: every written name is an own data property', () => {
  const body = (proto: string) => `<parameter=__proto__>\n${proto}\n</parameter>\n<parameter=constructor>\n3\n</parameter>\n<parameter=toString>\nhi\n</parameter>\n<parameter=o>\n{"__proto__": null}\n</parameter>\n`;
  const xml = (proto: string) => `<tool_call>\n<function=f>\n${body(proto)}</function>\n</tool_call>`;

  for (const [proto, value] of [['None', null], ['x', 'x']] as const) {
    it(`XML parameters, __proto__ = ${proto}`, () => {
      const want = own([P, value], ['constructor', 3], ['toString', 'hi'], ['o', own([P, null])]);
      const args = parseXmlParameters(NAMES_SCHEMA, body(proto));
      expectOwnArgs(args, want);
      expect(Object.getPrototypeOf(args.o)).toBe(Object.prototype);
      expectOwnArgs(readXmlParameters(NAMES_SCHEMA, body(proto), 0)!.args, want);
      const steps = parseToolCalls(xml(proto), tools, 'xml');
      expectOwnArgs(steps[0]!.args, want);
      expectOwnArgs(new ToolCallScanner(tools, 'xml').push(xml(proto))[0]!.args, want);
      expectOwnArgs(validatePlan({ steps }, tools, 1, 1).steps[0]!.args, want);
    });
  }

  it('JSON tool calls', () => {
    const text = '<tool_call>\n{"name": "f", "arguments": {"__proto__": null, "constructor": 3, "toString": "hi", "o": {"__proto__": null}}}\n</tool_call>';
    const want = own([P, null], ['constructor', 3], ['toString', 'hi'], ['o', own([P, null])]);
    const steps = parseToolCalls(text, tools, 'json');
    expectOwnArgs(steps[0]!.args, want);
    expectOwnArgs(new ToolCallScanner(tools, 'json').push(text)[0]!.args, want);
    expectOwnArgs(validatePlan({ steps }, tools, 1, 1).steps[0]!.args, want);
  });

  it('an object literal read back is a fresh copy each time', () => {
    const schema = { type: 'object', properties: { pick: { enum: [{ a: 1 }, 'x'] } } };
    checkSchema(schema); // as the planner does: the schema's nodes (and their literals) are then shared
    const first = parseXmlParameters(schema, '<parameter=pick>\n{"a":1}\n</parameter>\n');
    (first.pick as Record<string, unknown>).a = 2;
    expect(parseXmlParameters(schema, '<parameter=pick>\n{"a":1}\n</parameter>\n').pick).toEqual({ a: 1 });
  });
});

describe('hostile names end to end (Planner, tiny-qwen3_5)', () => {
  let planner: Planner;
  beforeAll(async () => {
    planner = await Planner.create({ model: modelDir('tiny-qwen3_5'), dtype: 'q4' });
  });
  afterAll(() => planner?.dispose());

  const schema: JsonSchema = {
    type: 'object',
    properties: own(
      [P, { type: 'string', maxLength: 6 }],
      ...INHERITED.filter((n) => n !== P).map((n): [string, unknown] => [n, { type: 'string', maxLength: 4 }]),
    ),
    required: [P],
    additionalProperties: false,
  };
  for (const [format, syntax] of [['steps', 'xml'], ['tool-calls', 'xml'], ['tool-calls', 'json']] as const) {
    it(`${format}${format === 'tool-calls' ? ` (${syntax})` : ''}: plans whose args keep every name own`, async () => {
      const p = syntax === 'xml' ? planner : await Planner.create({ model: modelDir('tiny-qwen3_5'), dtype: 'q4', preset: { toolCallSyntax: syntax } });
      try {
        let omitted = 0;
        for (let seed = 0; seed < 4; seed++) {
          const { plan } = await p.plan('tag it', [{ name: 'tag', parameters: schema }], { format, temperature: 1, seed, maxTokens: 200, maxSteps: 2 });
          for (const s of plan.steps) {
            expect(Object.getPrototypeOf(s.args)).toBe(Object.prototype);
            expect(Object.hasOwn(s.args, P)).toBe(true);
            expect(typeof Object.getOwnPropertyDescriptor(s.args, P)?.value).toBe('string');
            omitted += INHERITED.filter((n) => !Object.hasOwn(s.args, n)).length;
          }
        }
        expect(omitted).toBeGreaterThan(0); // some optional inherited names were left out, and validated
      } finally {
        if (p !== planner) await p.dispose();
      }
    });
  }
});
