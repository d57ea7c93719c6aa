/**
 * toolplan/ai-sdk with the real `ai` package on the tiny model (random weights: what it writes is
 * arbitrary, so every check is of validity and of the SDK's contract, never of content).
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { generateObject, generateText, jsonSchema, Output, stepCountIs, streamText, tool, type ToolSet } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toolplan, UnsupportedRequestError } from '../../src/ai-sdk/index.ts';
import { Planner, ToolDefinitionError, type JsonSchema } from '../../src/planner/index.ts';
import { modelDir } from '../../scripts/lib/fixtures.ts';

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
// The engine reads every draft; this validator is 2020-12's, so the dialect line goes.
const valid = ({ $schema: _, ...schema }: JsonSchema, value: unknown): boolean => ajv.validate(schema, value) as boolean;

const SCHEMAS: Record<string, JsonSchema> = {
  get_weather: { type: 'object', properties: { city: { type: 'string', maxLength: 12 }, unit: { enum: ['c', 'f'] } }, required: ['city'], additionalProperties: false },
  send_email: {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    properties: { to: { type: 'string', format: 'email' }, body: { type: 'string', maxLength: 20 } },
    required: ['to'],
    additionalProperties: false,
  },
  add: { type: 'object', properties: { a: { type: 'integer', minimum: -5, maximum: 5 }, b: { type: 'number' } }, required: ['a', 'b'], additionalProperties: false },
};
const tools = (): ToolSet => Object.fromEntries(Object.entries(SCHEMAS).map(([name, s]) => [name, tool({ description: `the ${name} tool`, inputSchema: jsonSchema(s) })]));
const QUERY = 'Weather in Lisbon and Porto, then email both to ana@example.com';

let planner: Planner;
beforeAll(async () => {
  planner = await Planner.create({ model: modelDir('tiny-qwen3_5'), dtype: 'q4' });
}, 60_000);
afterAll(() => planner?.dispose());

describe('toolplan/ai-sdk: tools', () => {
  it('generateText returns tool calls that name offered tools, with valid inputs and backward dependencies', async () => {
    for (const seed of [1, 2, 3, 4]) {
      const r = await generateText({ model: toolplan(planner, { maxSteps: 4 }), prompt: QUERY, tools: tools(), toolChoice: 'required', temperature: 1, seed });
      expect(r.toolCalls.length).toBeGreaterThanOrEqual(1);
      expect(r.finishReason).toBe('tool-calls');
      const seen: string[] = [];
      for (const c of r.toolCalls) {
        expect(Object.keys(SCHEMAS)).toContain(c.toolName);
        expect(valid(SCHEMAS[c.toolName]!, c.input), JSON.stringify(c.input)).toBe(true);
        const deps = (c.providerMetadata?.toolplan as { dependsOn: string[] }).dependsOn;
        for (const d of deps) expect(seen).toContain(d);
        seen.push(c.toolCallId);
      }
      const meta = r.providerMetadata?.toolplan as { plan: { steps: { toolCallId: string }[] }; stats: { tokens: number; promptTokens: number } };
      expect(meta.plan.steps.map((s) => s.toolCallId)).toEqual(seen);
      expect(r.usage.outputTokens).toBe(meta.stats.tokens);
      expect(r.usage.inputTokens).toBe(meta.stats.promptTokens);
    }
  });

  it('zod tool schemas (draft-07, hidden ~standard) plan like any other', async () => {
    const book = z.object({ room: z.enum(['a', 'b']), nights: z.number().int().min(1).max(9) });
    const zodTools = { book: tool({ inputSchema: book }) };
    const r = await generateText({ model: toolplan(planner), prompt: 'Book room a for 2 nights', tools: zodTools, toolChoice: 'required', temperature: 1, seed: 2 });
    expect(r.toolCalls.length).toBeGreaterThanOrEqual(1);
    for (const c of r.toolCalls) expect(book.safeParse(c.input).success).toBe(true);
  });

  it('toolChoice names one tool: every call is that tool', async () => {
    const r = await generateText({ model: toolplan(planner), prompt: QUERY, tools: tools(), toolChoice: { type: 'tool', toolName: 'add' }, temperature: 1, seed: 7 });
    expect(r.toolCalls.length).toBeGreaterThanOrEqual(1);
    for (const c of r.toolCalls) {
      expect(c.toolName).toBe('add');
      expect(valid(SCHEMAS.add!, c.input)).toBe(true);
    }
  });

  it('auto may choose no tool; the finish reason says which', async () => {
    const r = await generateText({ model: toolplan(planner), prompt: QUERY, tools: tools() });
    expect(r.finishReason).toBe(r.toolCalls.length ? 'tool-calls' : 'stop');
  });

  it('streamText streams each step as tool input, then the checked calls, with usage', async () => {
    const r = streamText({ model: toolplan(planner, { maxSteps: 3 }), prompt: QUERY, tools: tools(), toolChoice: 'required', temperature: 1, seed: 5 });
    const parts: { type: string; id?: string; toolCallId?: string }[] = [];
    for await (const p of r.fullStream) parts.push(p as (typeof parts)[number]);
    const calls = await r.toolCalls;
    expect(calls.length).toBeGreaterThanOrEqual(1);
    for (const c of calls) {
      expect(valid(SCHEMAS[c.toolName]!, c.input)).toBe(true);
      const start = parts.findIndex((p) => p.type === 'tool-input-start' && p.id === c.toolCallId);
      const call = parts.findIndex((p) => p.type === 'tool-call' && p.toolCallId === c.toolCallId);
      expect(start).toBeGreaterThanOrEqual(0);
      expect(call).toBeGreaterThan(start);
    }
    expect(await r.finishReason).toBe('tool-calls');
    expect((await r.usage).outputTokens).toBeGreaterThan(0);
  });

  it('a multi-step loop executes the plan, then the model stops: the plan is complete', async () => {
    const executed: string[] = [];
    const withExecute: ToolSet = Object.fromEntries(
      Object.entries(SCHEMAS).map(([name, s]) => [name, tool({ inputSchema: jsonSchema(s), execute: async () => (executed.push(name), { ok: true }) })]),
    );
    // `required` would hold every step of the loop to a tool call; minSteps holds the plan to one.
    const r = await generateText({ model: toolplan(planner, { minSteps: 1 }), prompt: QUERY, tools: withExecute, stopWhen: stepCountIs(5), temperature: 1, seed: 3 });
    expect(r.steps[0]!.toolCalls.length).toBeGreaterThanOrEqual(1);
    expect(r.steps.length).toBe(2);
    expect(executed.length).toBe(r.steps[0]!.toolCalls.length);
    expect(r.steps[1]!.toolCalls).toEqual([]);
    expect(r.finishReason).toBe('stop');
  });

  it('a tool schema the engine refuses is a ToolDefinitionError, not an unconstrained call', async () => {
    // Checks of a tool's schema run when the plan reaches the tool (catalogues of thousands stay cheap): force it.
    const bad: ToolSet = { ...tools(), odd: tool({ inputSchema: jsonSchema({ type: 'object', properties: { x: { type: 'object', if: { required: ['a'] }, then: { required: ['b'] } } } }) }) };
    const e = await generateText({ model: toolplan(planner), prompt: QUERY, tools: bad, toolChoice: { type: 'tool', toolName: 'odd' } }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ToolDefinitionError);
    expect((e as ToolDefinitionError).keyword).toBe('if');
    expect((e as ToolDefinitionError).tool).toBe('odd');
  });

  it('free text is refused with UnsupportedRequestError', async () => {
    const e = await generateText({ model: toolplan(planner), prompt: 'Say hello' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UnsupportedRequestError);
    expect((e as UnsupportedRequestError).feature).toBe('text');
  });

  it('unsupported settings come back as warnings', async () => {
    const r = await generateText({ model: toolplan(planner), system: 'Be brief.', prompt: QUERY, tools: tools(), toolChoice: 'required', stopSequences: ['\n'], maxOutputTokens: 96 });
    expect(r.warnings?.map((w) => ('feature' in w ? w.feature : w.type))).toEqual(expect.arrayContaining(['system messages', 'stopSequences']));
    expect(r.usage.outputTokens).toBeLessThanOrEqual(96);
  });

  it('an abort mid-stream ends the call with the abort; the planner stays usable', async () => {
    const ac = new AbortController();
    const r = streamText({ model: toolplan(planner, { maxSteps: 5, minSteps: 5 }), prompt: QUERY, tools: tools(), abortSignal: ac.signal, maxOutputTokens: 400 });
    const types: string[] = [];
    for await (const p of r.fullStream) {
      types.push(p.type);
      if (p.type === 'tool-input-start') ac.abort(); // the first step has closed; four are still to come
    }
    expect(types).toContain('abort');
    expect(types).not.toContain('tool-call');
    expect(types.filter((t) => t === 'tool-input-start')).toHaveLength(1);
    await expect(r.toolCalls).rejects.toMatchObject({ name: 'AbortError' });
    const after = await generateText({ model: toolplan(planner), prompt: QUERY, tools: tools(), toolChoice: 'required' });
    expect(after.toolCalls.length).toBeGreaterThanOrEqual(1);
  });
});

describe('toolplan/ai-sdk: structured output', () => {
  const person = { type: 'object', properties: { name: { type: 'string', maxLength: 10 }, age: { type: 'integer', minimum: 0, maximum: 120 }, tags: { type: 'array', items: { enum: ['a', 'b'] }, maxItems: 3 } }, required: ['name', 'age'], additionalProperties: false } as const;

  it('Output.object returns a schema-valid object (JSON Schema and zod)', async () => {
    for (const seed of [1, 2]) {
      const r = await generateText({ model: toolplan(planner), prompt: 'Ana is 31', output: Output.object({ schema: jsonSchema(person) }), temperature: 1, seed });
      expect(valid(person as JsonSchema, r.output)).toBe(true);
      expect(r.finishReason).toBe('stop');
    }
    const zodSchema = z.object({ city: z.string().max(12), days: z.number().int().min(1).max(9) });
    const r = await generateText({ model: toolplan(planner), prompt: 'Three days in Rome', output: Output.object({ schema: zodSchema }) });
    expect(zodSchema.safeParse(r.output).success).toBe(true);
  });

  it('generateObject with non-object schemas (array, enum) returns values valid against them', async () => {
    const arr = await generateObject({ model: toolplan(planner), prompt: 'Three colours', output: 'array', schema: jsonSchema({ type: 'object', properties: { c: { type: 'string', maxLength: 8 } }, required: ['c'] }) });
    expect(Array.isArray(arr.object)).toBe(true);
    const choice = await generateObject({ model: toolplan(planner), prompt: 'Sunny or rainy?', output: 'enum', enum: ['sunny', 'rainy'] });
    expect(['sunny', 'rainy']).toContain(choice.object);
    const any = await generateObject({ model: toolplan(planner), prompt: 'Anything', output: 'no-schema' });
    expect(any.object).not.toBeUndefined();
  });

  it('streamText with Output.object streams partial objects, ending in the valid one', async () => {
    const r = streamText({ model: toolplan(planner), prompt: 'Ana is 31', output: Output.object({ schema: jsonSchema(person) }), temperature: 1, seed: 9 });
    const partials: unknown[] = [];
    for await (const p of r.partialOutputStream) partials.push(p);
    const out = await r.output;
    expect(valid(person as JsonSchema, out)).toBe(true);
    expect(partials.length).toBeGreaterThanOrEqual(1);
    expect(partials.at(-1)).toEqual(out);
  });

  it('an output schema the engine refuses is a ToolDefinitionError', async () => {
    const e = await generateText({ model: toolplan(planner), prompt: 'x', output: Output.object({ schema: jsonSchema({ type: 'object', properties: { x: { type: 'string' } }, if: { required: ['x'] }, then: {} }) }) }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ToolDefinitionError);
  });
});
