/**
 * The planner in-process (as in Node) on the tiny Qwen3.5 model: every plan valid against the plan
 * schema (ajv) with backward dependencies, snapshots reused across calls over the same tools,
 * typed errors for bad input, abort and ordering.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PromptTooLongError, ToolDefinitionError } from '../../src/planner/errors.ts';
import { executionOrder, toOpenAIToolCalls, type Plan } from '../../src/planner/plan.ts';
import { planSchema } from '../../src/planner/plan-schema.ts';
import { Planner } from '../../src/planner/planner.ts';
import { normalizeTools } from '../../src/planner/tools.ts';
import { checkTools, validateTools } from '../../src/planner/check-tools.ts';
import type { PlanEvent, ToolPlanner } from '../../src/planner/types.ts';
import { modelDir } from '../../scripts/lib/fixtures.ts';
import { QUERY, TOOLS } from '../../scripts/lib/tools-fixture.ts';

const ajv = new Ajv2020({ strict: false });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);

function expectValid(plan: Plan, maxSteps = 5): void {
  const validate = ajv.compile(planSchema(normalizeTools(TOOLS), maxSteps));
  expect(validate(plan), JSON.stringify(validate.errors)).toBe(true);
  for (const s of plan.steps) for (const d of s.depends_on) expect(d).toBeLessThan(s.id);
  expect(plan.steps.map((s) => s.id)).toEqual(plan.steps.map((_, i) => i + 1));
}

let planner: Planner;
beforeAll(async () => {
  planner = await Planner.create({ model: modelDir('tiny-qwen3_5'), dtype: 'q4' });
});
afterAll(() => planner?.dispose());

describe('Planner (tiny-qwen3_5, q4, onnxruntime-node)', () => {
  it('returns valid plans for many seeds and temperatures', async () => {
    for (let seed = 0; seed < 6; seed++) {
      const { plan, stats } = await planner.plan(QUERY, TOOLS, { temperature: 1, seed, maxTokens: 300 });
      expectValid(plan);
      expect(stats.tokens).toBeLessThanOrEqual(301);
      expect(stats.forwardPasses).toBeLessThan(stats.tokens + 1);
    }
  });

  it('the second call over the same tools prefills only the query', async () => {
    const first = await planner.plan('Weather in Porto?', TOOLS, { maxTokens: 200 });
    const second = await planner.plan('And in Faro, in fahrenheit, please, then email it to bo@x.io', TOOLS, { maxTokens: 200 });
    expect(first.stats.prefilledTokens).toBeLessThan(first.stats.promptTokens); // earlier tests stored the tools prefix
    expect(second.stats.prefilledTokens).toBeLessThan(40);
    expect(second.stats.promptTokens).toBeGreaterThan(200);
    const otherTools = await planner.plan('Weather in Porto?', TOOLS.slice(1), { maxTokens: 200 });
    expect(otherTools.stats.prefilledTokens).toBeGreaterThan(100); // new tool set: new prefix
  });

  it('honours maxSteps and the token budget', async () => {
    for (const maxSteps of [1, 2]) {
      const { plan } = await planner.plan(QUERY, TOOLS, { maxSteps, temperature: 1, seed: maxSteps });
      expectValid(plan, maxSteps);
      expect(plan.steps.length).toBeLessThanOrEqual(maxSteps);
    }
    const tight = await planner.plan(QUERY, TOOLS, { maxTokens: 90, temperature: 1.3, seed: 4 });
    expectValid(tight.plan);
    expect(tight.stats.tokens - 1).toBeLessThanOrEqual(90);
    expect(tight.stats.budgetLimited).toBe(true);
  });

  it('counts the budget in tokens: 40 tokens plan although the shortest plan is 76 bytes', async () => {
    // The shortest plan over these tools is 76 bytes, 22 tokens (test/grammar/token-budget.test.ts
    // proves the general case); a budget in bytes refused anything under 76 at once.
    for (const seed of [1, 2, 3]) {
      const { plan, stats } = await planner.plan(QUERY, TOOLS, { maxTokens: 40, temperature: 1, seed });
      expectValid(plan);
      expect(stats.tokens - 1).toBeLessThanOrEqual(40);
    }
    await expect(planner.plan(QUERY, TOOLS, { maxTokens: 21 })).rejects.toMatchObject({ name: 'BudgetExceededError', needed: 22, budget: 21 });
  });

  it('streams tokens, each step as it closes, then done', async () => {
    const events: PlanEvent[] = [];
    for await (const e of planner.stream(QUERY, TOOLS, { temperature: 1, seed: 11, maxTokens: 300 })) events.push(e);
    const done = events.at(-1);
    expect(done?.type).toBe('done');
    if (done?.type !== 'done') return;
    const text = events.flatMap((e) => (e.type === 'token' ? [e.text] : [])).join('');
    expect(text).toBe(done.result.text);
    const steps = events.flatMap((e) => (e.type === 'step' ? [e.step] : []));
    expect(steps).toEqual(done.result.plan.steps.map((s) => ({ ...s, depends_on: steps.find((x) => x.id === s.id)!.depends_on })));
    expect(steps.length).toBe(done.result.plan.steps.length);
  });

  it('rejects bad tools with typed errors naming the tool and pointer', async () => {
    const bad = [{ name: 'x', parameters: { type: 'object', properties: { n: { type: 'number', multipleOf: 0.25 } } } }];
    const err = await planner.plan('hi', bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ToolDefinitionError);
    expect(err).toMatchObject({ tool: 'x', pointer: '/properties/n/multipleOf', keyword: 'multipleOf' });
    await expect(planner.plan('hi', [{ name: 'a' }, { name: 'a' }])).rejects.toThrow(/duplicate/);
    await expect(planner.plan('hi', [{ name: 'bad name!' }])).rejects.toBeInstanceOf(ToolDefinitionError);
    await expect(planner.plan('hi', [])).rejects.toBeInstanceOf(ToolDefinitionError);
    await expect(planner.plan('hi', [{ name: 'p', parameters: { type: 'string' } }])).rejects.toBeInstanceOf(ToolDefinitionError);
  });

  it('rejects an over-long query before any compute', async () => {
    const err = await planner.plan('word '.repeat(9000), TOOLS).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PromptTooLongError);
    expect((err as PromptTooLongError).promptTokens).toBeGreaterThan(8000);
  });

  it('a 1 MB query is refused without tokenizing it whole; a long query that fits still plans', async () => {
    const t0 = performance.now();
    const err = await planner.plan('lorem ipsum dolor '.repeat(60_000), TOOLS).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PromptTooLongError);
    expect((err as PromptTooLongError).promptTokens).toBeGreaterThan(7000);
    expect(performance.now() - t0).toBeLessThan(5000); // whole, it took 18 s
    const fits = await planner.plan(`${'word '.repeat(3600)}weather in Porto?`, TOOLS, { maxTokens: 200 });
    expect(fits.stats.promptTokens).toBeGreaterThan(3600);
  }, 60_000);

  it('abort mid-way rejects at once; the next call works; queued aborted calls never run', async () => {
    const ac = new AbortController();
    let tokens = 0;
    const running = (async () => {
      for await (const e of planner.stream(QUERY, TOOLS, { signal: ac.signal, temperature: 1, seed: 5, maxTokens: 400 })) {
        if (e.type === 'token' && ++tokens === 5) ac.abort();
      }
    })();
    const queuedAc = new AbortController();
    const queued = planner.plan(QUERY, TOOLS, { signal: queuedAc.signal });
    queuedAc.abort();
    await expect(queued).rejects.toMatchObject({ name: 'AbortError' });
    await expect(running).rejects.toMatchObject({ name: 'AbortError' });
    expect(tokens).toBeLessThan(8);
    const { plan } = await planner.plan(QUERY, TOOLS, { maxTokens: 200 });
    expectValid(plan);
  });

  it('answers 20 concurrent calls in order', async () => {
    const order: number[] = [];
    const calls = Array.from({ length: 20 }, (_, i) =>
      planner.plan(`${QUERY} (${i})`, TOOLS, { maxTokens: 80, temperature: 1, seed: i }).then((r) => {
        order.push(i);
        expectValid(r.plan);
      }),
    );
    await Promise.all(calls);
    expect(order).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });
});

describe('plan helpers', () => {
  const plan: Plan = {
    steps: [
      { id: 1, tool: 'a', args: { q: 1 }, depends_on: [] },
      { id: 2, tool: 'b', args: {}, depends_on: [] },
      { id: 3, tool: 'c', args: {}, depends_on: [1, 2] },
      { id: 4, tool: 'd', args: {}, depends_on: [1] },
    ],
  };
  it('toOpenAIToolCalls keeps order and stringifies args', () => {
    expect(toOpenAIToolCalls(plan)[0]).toEqual({ id: 'call_1', type: 'function', function: { name: 'a', arguments: '{"q":1}' } });
  });
  it('executionOrder groups steps into waves', () => {
    expect(executionOrder(plan).map((w) => w.map((s) => s.id))).toEqual([[1, 2], [3, 4]]);
    expect(() => executionOrder({ steps: [{ id: 1, tool: 'a', args: {}, depends_on: [2] }] })).toThrow(RangeError);
  });
});

describe('checkTools (no model: the demo editor and apps check tools with it)', () => {
  it('names the tool, pointer and keyword of an unsupported keyword, and keeps good tools', () => {
    const bad = [...TOOLS, { name: 'upload', inputSchema: { type: 'object', properties: { data: { type: 'string', contentEncoding: 'base64', if: { minLength: 1 } } } } }];
    let err: unknown;
    try {
      checkTools(bad);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ToolDefinitionError);
    expect(err).toMatchObject({ name: 'ToolDefinitionError', tool: 'upload', pointer: '/properties/data/if', keyword: 'if' });
    expect(checkTools(TOOLS).map((t) => t.name)).toEqual(normalizeTools(TOOLS).map((t) => t.name));
  });

  it('checks for the plan format: tool-calls in the XML syntax refuses property counts, steps and JSON calls do not', () => {
    const counted = [{ name: 'tag', parameters: { type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' } }, maxProperties: 1 } }];
    expect(checkTools(counted)).toHaveLength(1);
    expect(checkTools(counted, { format: 'tool-calls' })).toHaveLength(1);
    expect(() => checkTools(counted, { format: 'tool-calls', toolCallSyntax: 'xml' })).toThrow(expect.objectContaining({ name: 'ToolDefinitionError', tool: 'tag', keyword: 'maxProperties' }));
    expect(() => checkTools(counted, { format: 'bogus' as 'steps' })).toThrow(expect.objectContaining({ name: 'InvalidOptionError', option: 'format' }));
    expect(validateTools).toBe(checkTools);
  });

  it("a planner's checkTools checks as its plan() would: a tool set it passes never fails plan() with ToolDefinitionError", async () => {
    const counted = [{ name: 'tag', parameters: { type: 'object', properties: { a: { type: 'string', maxLength: 4 }, b: { type: 'boolean' } }, maxProperties: 1 } }];
    expect(planner.info.toolCallSyntax).toBe('xml');
    const asPlanned = async (format: 'steps' | 'tool-calls') => {
      const checked = await planner.checkTools(counted, { format }).then(() => 'ok', (e: Error) => e.name);
      const planned = await planner.plan(QUERY, counted, { format, maxTokens: 120 }).then(() => 'ok', (e: Error) => e.name);
      return { checked, planned };
    };
    expect(await asPlanned('steps')).toEqual({ checked: 'ok', planned: 'ok' });
    expect(await asPlanned('tool-calls')).toEqual({ checked: 'ToolDefinitionError', planned: 'ToolDefinitionError' });
    // The one interface both planners implement.
    const asInterface: ToolPlanner = planner;
    expect(await asInterface.checkTools(TOOLS)).toHaveLength(TOOLS.length);
  });

  it('load options reach loadModel as they are: a wrong sha256 in integrity fails Planner.create with IntegrityError', async () => {
    // PlannerOptions is derived from LoadModelOptions; `integrity` was once lost on the way.
    await expect(Planner.create({ model: modelDir('tiny-qwen3_5'), dtype: 'q4', integrity: { 'config.json': '0'.repeat(64) } })).rejects.toMatchObject({ name: 'IntegrityError' });
  });

  it('error names are fields, not the (minifiable) class name', () => {
    const e = new PromptTooLongError(10, 5, 12);
    expect(Object.hasOwn(e, 'name')).toBe(true);
    expect(e.name).toBe('PromptTooLongError');
  });
});
