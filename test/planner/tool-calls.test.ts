/**
 * The `tool-calls` plan format on both tiny models, in both syntaxes: what the model writes is its
 * family's native call text, every result converts to a plan valid against the plan schema, steps
 * stream as calls close, and the syntax follows the chat template unless overridden.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ToolDefinitionError } from '../../src/planner/errors.ts';
import type { Plan } from '../../src/planner/plan.ts';
import { planSchema } from '../../src/planner/plan-schema.ts';
import { Planner } from '../../src/planner/planner.ts';
import { detectToolCallSyntax, parseToolCalls, ToolCallScanner, type ToolCallSyntax } from '../../src/planner/tool-calls.ts';
import { normalizeTools } from '../../src/planner/tools.ts';
import type { PlanEvent } from '../../src/planner/types.ts';
import { modelDir } from '../../scripts/lib/fixtures.ts';
import { QUERY, TOOLS } from '../../scripts/lib/tools-fixture.ts';

const ajv = new Ajv2020({ strict: false });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
const validate = ajv.compile(planSchema(normalizeTools(TOOLS), 5));
const tools = normalizeTools(TOOLS);

function expectValid(plan: Plan): void {
  expect(validate(plan), JSON.stringify(validate.errors)).toBe(true);
  for (const s of plan.steps) expect(s.depends_on).toEqual([]);
}

const NATIVE: Record<ToolCallSyntax, RegExp> = {
  json: /^<tool_call>\n\{"name": "[a-z_]+", "arguments": [\s\S]*\}\n<\/tool_call>(\n<tool_call>\n[\s\S]*<\/tool_call>)*$/,
  xml: /^<tool_call>\n<function=[a-z_]+>\n(<parameter=[a-z_]+>\n[\s\S]*?\n<\/parameter>\n)*<\/function>\n<\/tool_call>(\n<tool_call>\n[\s\S]*<\/tool_call>)*$/,
};

for (const model of ['tiny-qwen3', 'tiny-qwen3_5'] as const) {
  describe(`tool-calls format on ${model}`, () => {
    let planner: Planner;
    beforeAll(async () => {
      planner = await Planner.create({ model: modelDir(model), dtype: 'q4' });
    });
    afterAll(() => planner?.dispose());

    it('reads the call syntax from the chat template', () => {
      // tiny-qwen3 carries Qwen3's template (JSON calls), tiny-qwen3_5 a Qwen3.5-style one (XML calls).
      expect(planner.info!.toolCallSyntax).toBe(model === 'tiny-qwen3' ? 'json' : 'xml');
      expect(planner.info!.format).toBe('steps');
    });

    for (const syntax of ['json', 'xml'] as const) {
      it(`${syntax}: native text, converted to valid plans, for many seeds`, async () => {
        const p = syntax === planner.info!.toolCallSyntax ? planner : await Planner.create({ model: modelDir(model), dtype: 'q4', preset: { toolCallSyntax: syntax } });
        try {
          for (let seed = 0; seed < 4; seed++) {
            const r = await p.plan(QUERY, TOOLS, { format: 'tool-calls', temperature: 1, seed, maxTokens: 256, maxSteps: 3 });
            expect(r.format).toBe('tool-calls');
            expect(r.text).toMatch(NATIVE[syntax]);
            expectValid(r.plan);
            expect(r.plan.steps.length).toBeLessThanOrEqual(3);
            expect(parseToolCalls(r.text, tools, syntax)).toEqual(r.plan.steps);
          }
        } finally {
          if (p !== planner) await p.dispose();
        }
      });
    }

    it('streams a step as each call closes; the done plan has the same steps', async () => {
      const events: PlanEvent[] = [];
      for await (const e of planner.stream(QUERY, TOOLS, { format: 'tool-calls', temperature: 1, seed: 3, maxTokens: 256 })) events.push(e);
      const done = events.at(-1)!;
      expect(done.type).toBe('done');
      const steps = events.filter((e): e is Extract<PlanEvent, { type: 'step' }> => e.type === 'step').map((e) => e.step);
      expect(steps).toEqual((done as Extract<PlanEvent, { type: 'done' }>).result.plan.steps);
      expect(steps.length).toBeGreaterThan(0);
    });

    it('a tight budget still ends with complete calls', async () => {
      const r = await planner.plan(QUERY, TOOLS, { format: 'tool-calls', temperature: 1, seed: 9, maxTokens: 90 });
      expectValid(r.plan);
      expect(r.stats.tokens).toBeLessThanOrEqual(91);
    });
  });
}

describe('tool-call syntax and checks', () => {
  it('follows the chat template, then the model type', () => {
    expect(detectToolCallSyntax('… <tool_call>\\n<function=example_function_name> …', 'qwen3')).toBe('xml');
    expect(detectToolCallSyntax('… <tool_call>\\n{"name": <function-name>, …', 'qwen3_5')).toBe('json');
    expect(detectToolCallSyntax(undefined, 'qwen3_5_text')).toBe('xml');
    expect(detectToolCallSyntax(undefined, 'qwen2')).toBe('json');
  });

  it('XML calls refuse parameters they cannot write, naming the tool', async () => {
    const planner = await Planner.create({ model: modelDir('tiny-qwen3'), dtype: 'q4', preset: { toolCallSyntax: 'xml' } });
    try {
      const bad = [...TOOLS, { name: 'tagger', parameters: { type: 'object', properties: { a: { type: 'string' } }, minProperties: 1 } }];
      const err = await planner.plan('tag it', bad, { format: 'tool-calls' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ToolDefinitionError);
      expect((err as ToolDefinitionError).tool).toBe('tagger');
      expect((err as ToolDefinitionError).keyword).toBe('minProperties');
      // The same tools are fine for the JSON plan, which can count properties.
      const ok = await planner.plan('tag it', bad, { maxTokens: 200 });
      expect(ok.format).toBe('steps');
    } finally {
      await planner.dispose();
    }
  });

  it('the scanner emits nothing for a call cut inside a raw value that looks like a terminator', () => {
    const s = new ToolCallScanner(tools, 'xml');
    expect(s.push('<tool_call>\n<function=get_weather>\n<parameter=city>\nA\n</tool_call>')).toEqual([]);
    expect(s.push('\n</parameter>\n</function>\n</tool_call>')).toEqual([{ id: 1, tool: 'get_weather', args: { city: 'A\n</tool_call>' }, depends_on: [] }]);
  });
});
