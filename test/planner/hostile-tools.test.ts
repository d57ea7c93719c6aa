/**
 * One definition of a valid tool schema on both sides: whatever `checkTools` accepts, the final
 * re-validation (ajv 2020-12, as validatePlan runs it) compiles and the model can plan with; what it
 * would not is refused up front with a ToolDefinitionError naming the tool, pointer and keyword.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { compileStructure, xmlParametersNode } from '../../src/grammar/index.ts';
import { planSchema } from '../../src/planner/plan-schema.ts';
import { toolCallStructure } from '../../src/planner/tool-calls.ts';
import { acceptsText } from '../helpers/accepts-text.ts';
import { smallVocabulary } from '../helpers/small-vocab.ts';
import { checkToolSchemas, checkToolsJson, checkTools } from '../../src/planner/check-tools.ts';
import { PlanValidationError, ToolDefinitionError } from '../../src/planner/errors.ts';
import { Planner } from '../../src/planner/planner.ts';
import { normalizeTools, type JsonSchema, type ToolInput } from '../../src/planner/tools.ts';
import { validatePlan } from '../../src/planner/validate-plan.ts';
import { modelDir } from '../../scripts/lib/fixtures.ts';

const toolsOf = (parameters: unknown): ToolInput[] => [{ name: 'f', parameters: parameters as JsonSchema }];
const obj = (extra: Record<string, unknown>) => ({ type: 'object', ...extra });
const prop = (schema: unknown) => obj({ properties: { a: schema } });

function definitionErrorOf(fn: () => unknown): ToolDefinitionError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ToolDefinitionError) return e;
    throw e;
  }
  throw new Error('no ToolDefinitionError thrown');
}

/** 'ok' when ajv compiles `schema` as validatePlan runs it (the args valid or not), else its raw error. */
function reValidation(schema: unknown, args: unknown = {}): string {
  const plan = { steps: [{ id: 1, tool: 'f', args, depends_on: [] }] };
  try {
    validatePlan(plan, [{ name: 'f', description: '', parameters: structuredClone(schema) as JsonSchema }], 1, 1);
    return 'ok';
  } catch (e) {
    return e instanceof PlanValidationError ? 'ok' : String(e);
  }
}

describe('checkTools refuses what the re-validation cannot compile', () => {
  it.each([
    ['an unused $defs entry of the wrong type', obj({ $defs: { x: { type: 5 } } }), '/$defs/x/type', 'type'],
    ['an unused $defs entry that is no schema', obj({ $defs: { x: 'nope' } }), '/$defs/x', undefined],
    ['an unused definitions entry', obj({ definitions: { x: { minLength: -1 } } }), '/definitions/x/minLength', 'minLength'],
    ['\\- in a pattern', prop({ type: 'string', pattern: '^a\\-b$' }), '/properties/a/pattern', 'pattern'],
    ['\\- in a pattern where no string is allowed', prop({ type: 'integer', pattern: '^a\\-b$' }), '/properties/a/pattern', 'pattern'],
    ['a duplicate capture group name', prop({ type: 'string', pattern: '(?<n>a)|(?<n>b)x(?<n>c)' }), '/properties/a/pattern', 'pattern'],
    ['required twice', obj({ properties: { a: { type: 'string' } }, required: ['a', 'a'] }), '/required', 'required'],
    ['a type twice', prop({ type: ['string', 'string'] }), '/properties/a/type', 'type'],
    ['enum: [] in an anyOf branch', prop({ anyOf: [{ enum: [] }, { type: 'string' }] }), '/properties/a/anyOf/0/enum', 'enum'],
    ['enum: [] under a type that skips it', prop({ type: 'string', items: { enum: [] } }), '/properties/a/items/enum', 'enum'],
    ['prefixItems: []', prop({ type: 'array', prefixItems: [] }), '/properties/a/prefixItems', 'prefixItems'],
    ['a title that is no string', prop({ type: 'string', title: 5 }), '/properties/a/title', 'title'],
    ['a dangling $ref no value reaches', prop({ type: 'string', properties: { b: { $ref: '#/nope' } } }), '/properties/a/properties/b/$ref', '$ref'],
    ['a $ref to itself', prop({ $ref: '#/properties/a' }), '/properties/a/$ref', '$ref'],
    ['a $ref loop through $defs', obj({ properties: { a: { $ref: '#/$defs/x' } }, $defs: { x: { $ref: '#/$defs/y' }, y: { $ref: '#/$defs/x' } } }), '/$defs/x/$ref', '$ref'],
    ['a repeated anchor', obj({ $defs: { x: { $anchor: 'a' }, y: { $anchor: 'a' } } }), '/$defs/y/$anchor', '$anchor'],
  ])('%s', (_, schema, pointer, keyword) => {
    // Before: accepted here, then a raw Error from ajv once the model picked the tool.
    expect(reValidation(schema, { a: 'x' })).not.toBe('ok');
    expect(definitionErrorOf(() => checkTools(toolsOf(schema)))).toMatchObject({ tool: 'f', pointer, keyword });
  });

  it('draft-04 id and OpenAPI nullable, which ajv reads (it throws on id), pass both sides, as ajv would read them', () => {
    for (const schema of [prop({ type: 'string', properties: { b: { id: 'b' } } }), prop({ type: 'string', items: { nullable: true } }), obj({ id: 'x', properties: { a: { type: 'string' } } })]) {
      expect(checkTools(toolsOf(schema))).toHaveLength(1);
      expect(reValidation(schema, { a: 'x' })).toBe('ok');
    }
    // nullable beside a type admits null on both sides; without a type it is dropped.
    const nullable = prop({ type: 'string', nullable: true });
    const plan = (a: unknown) => ({ steps: [{ id: 1, tool: 'f', args: { a }, depends_on: [] }] });
    const tools = [{ name: 'f', description: '', parameters: nullable as JsonSchema }];
    expect(() => validatePlan(plan(null), tools, 1, 1)).not.toThrow();
    expect(() => validatePlan(plan(1), tools, 1, 1)).toThrow(PlanValidationError);
  });

  it('an anyOf looping on itself is a ToolDefinitionError, not a stack overflow in the engine', () => {
    expect(definitionErrorOf(() => checkTools(toolsOf(prop({ anyOf: [{ $ref: '#/properties/a' }, { type: 'string' }] }))))).toMatchObject({ keyword: '$ref' });
  });

  it('non-JSON values are ToolDefinitionErrors with a pointer, never a TypeError or a JSON.parse error later', () => {
    const cyclic: Record<string, unknown> = obj({ properties: {} });
    (cyclic.properties as Record<string, unknown>).me = cyclic;
    for (const [schema, pointer] of [
      [prop({ enum: ['a', undefined] }), '/properties/a/enum/1'],
      [prop({ const: 10n }), '/properties/a/const'],
      [prop({ type: 'integer', maximum: Infinity }), '/properties/a/maximum'],
      [prop({ type: 'number', default: NaN }), '/properties/a/default'],
      [prop({ enum: [new Date(0)] }), '/properties/a/enum/0'],
      [prop({ const: () => 1 }), '/properties/a/const'],
      [cyclic, '/properties/me'],
    ] as const) {
      const e = definitionErrorOf(() => checkTools(toolsOf(schema)));
      expect(e).toMatchObject({ tool: 'f', pointer });
      expect(e.message).toMatch(/not JSON/);
      // The XML check alone (checkToolSchemas with another check) looks at JSON first too.
      expect(definitionErrorOf(() => checkToolSchemas(normalizeTools(toolsOf(schema)), xmlParametersNode))).toMatchObject({ pointer });
      // And alone, for callers that hash tools before checking them.
      expect(definitionErrorOf(() => checkToolsJson(normalizeTools(toolsOf(schema))))).toMatchObject({ pointer });
    }
    expect(checkToolsJson(normalizeTools(toolsOf(prop({ enum: [] }))))).toHaveLength(1); // JSON, if no schema
  });

  it('XML parameters: names and raw literals that cannot be read back are refused, naming them', () => {
    const xml = (schema: unknown) => definitionErrorOf(() => checkToolSchemas(normalizeTools(toolsOf(schema)), xmlParametersNode));
    expect(xml(obj({ properties: { 'a>b': { type: 'string' } } }))).toMatchObject({ tool: 'f', pointer: '/properties/a>b', keyword: 'properties' });
    expect(xml(obj({ properties: { 'a\nb': { type: 'string' } } })).pointer).toBe('/properties/a\nb');
    expect(xml(prop({ const: 'end\n</parameter>' }))).toMatchObject({ pointer: '/properties/a', keyword: 'const' });
    expect(xml(prop({ enum: ['x', 'y\n</parameter>\nz'] }))).toMatchObject({ pointer: '/properties/a', keyword: 'enum' });
    // The same tools are fine as JSON.
    expect(() => checkTools(toolsOf(obj({ properties: { 'a>b': { const: 'end\n</parameter>' } } })))).not.toThrow();
  });
});

describe('property: a schema checkTools accepts is one ajv compiles', () => {
  const KEYS = ['type', 'enum', 'const', 'properties', 'required', 'additionalProperties', 'items', 'prefixItems', 'minItems', 'maxLength', 'pattern', 'format', 'minimum', 'anyOf', 'oneOf', 'allOf', '$ref', 'not', 'if', 'patternProperties', 'title', 'default', '$anchor', '$id', 'uniqueItems', 'maxProperties', 'x-foo', '$defs', 'dependencies', 'multipleOf', 'id', 'nullable', '$dynamicRef', 'dependentSchemas'];
  const leaf = fc.constantFrom<unknown>(5, -1, 0, 1.5, 'x', 'string', 'integer', 'object', '\\-', '^a$', '[\\-]', '#/nope', '#', '#/$defs/d', '#/properties/a', '#/properties/a/items', 'date', 'nope', [], ['a', 'a'], ['a'], ['string', 'null'], ['string', 'string'], [{}], [{ enum: [] }], {}, { x: 5 }, { x: {} }, { a: { type: 'string' } }, true, false, null, { type: 5 }, { enum: [] }, { const: 1 });
  const schema = fc.letrec<{ s: unknown }>((tie) => ({
    s: fc.oneof({ depthSize: 'small' }, fc.constantFrom<unknown>(true, false, {}), fc.dictionary(fc.constantFrom(...KEYS), fc.oneof(leaf, tie('s')), { minKeys: 1, maxKeys: 3 })),
  })).s;
  const root = fc.record({ a: schema, d: schema, top: fc.dictionary(fc.constantFrom(...KEYS), leaf, { maxKeys: 2 }) }).map(({ a, d, top }) => ({ ...top, type: 'object', properties: { a }, $defs: { d } }));

  it('random schemas with hostile keyword values: refused up front, or compiled by ajv', () => {
    // ajv warns about unknown formats where no value reaches them (the engine refuses them where it builds).
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    let accepted = 0;
    fc.assert(
      fc.property(root, fc.constantFrom<unknown>({}, { a: 'x' }, { a: 1 }, { a: {} }, { a: [] }), (s, args) => {
        try {
          checkTools(toolsOf(s));
        } catch (e) {
          if (e instanceof ToolDefinitionError) return;
          throw e;
        }
        accepted++;
        expect(reValidation(s, args), JSON.stringify(s)).toBe('ok');
      }),
      { numRuns: 3000, seed: 20260514 },
    );
    warn.mockRestore();
    expect(accepted).toBeGreaterThan(200);
  });
});

describe('end to end on tiny-qwen3_5 (XML tool calls)', () => {
  let planner: Planner;
  beforeAll(async () => {
    planner = await Planner.create({ model: modelDir('tiny-qwen3_5'), dtype: 'q4' });
  });
  afterAll(() => planner?.dispose());

  it('unknown keywords plan by default; strictSchemas refuses them in plan() and checkTools, naming the keyword', async () => {
    const tools = toolsOf(obj({ properties: { a: { type: 'string', example: 'x', maxLength: 8 } }, required: ['a'], 'x-vendor': true }));
    const r = await planner.plan('go', tools, { maxTokens: 64 });
    expect(r.plan.steps.every((s) => typeof (s.args as { a?: unknown }).a === 'string')).toBe(true);
    expect(definitionErrorOf(() => checkTools(tools, { strict: true }))).toMatchObject({ tool: 'f', keyword: 'x-vendor', pointer: '/x-vendor' });
    const strict = await Planner.create({ model: modelDir('tiny-qwen3_5'), dtype: 'q4', strictSchemas: true });
    try {
      await expect(strict.checkTools(tools)).rejects.toMatchObject({ name: 'ToolDefinitionError', keyword: 'x-vendor' });
      await expect(strict.plan('go', tools, { maxTokens: 64 })).rejects.toMatchObject({ name: 'ToolDefinitionError', keyword: 'x-vendor' });
      // The lax planner's check of the same objects does not let the strict one through.
      await expect(strict.plan('go', toolsOf(prop({ type: 'string', example: 'x' })))).rejects.toMatchObject({ keyword: 'example' });
    } finally {
      strict.dispose();
    }
  });

  it('plan() checks JSON-ness before the tool-set key: a BigInt is typed, and NaN is not taken for null', async () => {
    const bigint = [{ name: 'b', parameters: { type: 'object', properties: { n: { const: 10n } } } }] as unknown as ToolInput[];
    await expect(planner.plan('go', bigint)).rejects.toBeInstanceOf(ToolDefinitionError);
    const withNull: ToolInput[] = [{ name: 'c', parameters: { type: 'object', properties: { n: { const: null } }, required: ['n'] } }];
    await planner.plan('go', withNull, { maxTokens: 120 });
    const withNaN = [{ name: 'c', parameters: { type: 'object', properties: { n: { const: NaN } }, required: ['n'] } }] as unknown as ToolInput[];
    const err = await planner.plan('go', withNaN, { maxTokens: 120 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ToolDefinitionError);
    expect((err as ToolDefinitionError).pointer).toBe('/properties/n/const');
  }, 60_000);

  /** Accepted at the edges of the rules: every plan over it passes the final re-validation. */
  const EDGE: ToolInput[] = [
    {
      name: 'tag',
      parameters: {
        type: 'object',
        properties: {
          code: { type: 'string', pattern: '^[a\\-c]{2}-[0-9]$' },
          'a b': { const: '</function>' },
          'x<y=z': { enum: ['\n</tool_call>', 'b'] },
          n: { $ref: '#/$defs/n' },
        },
        required: ['code', 'a b', 'x<y=z', 'n'],
        additionalProperties: false,
        $defs: { n: { type: 'integer', minimum: 1, maximum: 9 }, unused: { not: { type: 'null' }, multipleOf: 2 } },
      },
    },
  ];

  for (const format of ['steps', 'tool-calls'] as const) {
    it(`${format}: schemas at the edges of the rules plan, and re-validate`, async () => {
      for (let seed = 0; seed < 3; seed++) {
        const { plan } = await planner.plan('Tag it', EDGE, { format, temperature: 1, seed, maxTokens: 320, maxSteps: 1 });
        expect(plan.steps).toHaveLength(1);
        const args = plan.steps[0]!.args;
        expect(String(args.code)).toMatch(new RegExp('^[a\\-c]{2}-[0-9]$', 'u'));
        expect(args['a b']).toBe('</function>');
        expect(['\n</tool_call>', 'b']).toContain(args['x<y=z']);
      }
    });
  }

  it('refused tools fail plan() up front with the tool and pointer, before any compute', async () => {
    const cases: [unknown, string][] = [
      [prop({ type: 'string', pattern: '^a\\-b$' }), '/properties/a/pattern'],
      [prop({ enum: [undefined, 'x'] }), '/properties/a/enum/0'],
      [prop({ type: 'integer', maximum: NaN }), '/properties/a/maximum'],
      [obj({ properties: { a: { type: 'string' } }, required: ['a', 'a'] }), '/required'],
      [obj({ $defs: { x: { type: 5 } } }), '/$defs/x/type'],
    ];
    for (const [schema, pointer] of cases) {
      const err = await planner.plan('hi', [{ name: 'g', parameters: schema as JsonSchema }], { maxTokens: 64 }).catch((e: unknown) => e);
      expect(err, pointer).toBeInstanceOf(ToolDefinitionError);
      expect(err).toMatchObject({ tool: 'g', pointer });
    }
    const xml = await planner.plan('hi', toolsOf(obj({ properties: { 'a>b': { type: 'string' } } })), { format: 'tool-calls', maxTokens: 64 }).catch((e: unknown) => e);
    expect(xml).toMatchObject({ name: 'ToolDefinitionError', tool: 'f', pointer: '/properties/a>b' });
  });
});

describe('parameters without a type (the fuzzer found args of "" and [[…]] in plans over them)', () => {
  const untyped = { properties: { a: { type: 'string' } } };

  it('tool arguments are an object: the schema gets type object, one stable copy per schema object', () => {
    const [t] = normalizeTools([{ name: 'f', parameters: untyped }]);
    expect(t!.parameters).toEqual({ type: 'object', properties: { a: { type: 'string' } } });
    expect(untyped).not.toHaveProperty('type'); // the user's object is left alone
    expect(normalizeTools([{ name: 'f', parameters: untyped }])[0]!.parameters).toBe(t!.parameters);
    const changed: JsonSchema = { properties: {} };
    const before = normalizeTools([{ name: 'g', parameters: changed }])[0]!.parameters;
    changed.required = ['a'];
    expect(normalizeTools([{ name: 'g', parameters: changed }])[0]!.parameters).toMatchObject({ type: 'object', required: ['a'] });
    expect(normalizeTools([{ name: 'g', parameters: changed }])[0]!.parameters).not.toBe(before);
  });

  it('the plan grammar, in both formats and syntaxes, admits only object args', () => {
    const vocab = smallVocabulary();
    const tools = normalizeTools([{ name: 'f', parameters: untyped }]);
    const plan = (args: string) => `{"steps":[{"id":1,"tool":"f","args":${args},"depends_on":[]}]}`;
    expect(acceptsText(planSchema(tools, 1), plan('{"a":"x"}'), vocab)).toBe(true);
    for (const bad of ['""', '"x"', '[]', '[[1]]', '1', 'null']) expect(acceptsText(planSchema(tools, 1), plan(bad), vocab), bad).toBe(false);
    const calls = compileStructure(toolCallStructure(tools, 'json', 1, 1), vocab);
    const walk = (text: string) => {
      const m = calls.matcher({ maxTokens: 4000 });
      try {
        for (const b of new TextEncoder().encode(text)) m.accept(vocab.byteToken[b]!);
        return m.isComplete();
      } catch {
        return false;
      }
    };
    expect(walk('<tool_call>\n{"name": "f", "arguments": {"a": "x"}}\n</tool_call>')).toBe(true);
    expect(walk('<tool_call>\n{"name": "f", "arguments": "\\\\"}\n</tool_call>')).toBe(false);
  });
});
