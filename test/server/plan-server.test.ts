/**
 * `toolplan serve`'s endpoint and the RemotePlanner against it, on the tiny model: plans and JSON
 * valid by construction over HTTP (and re-validated by the client), SSE streaming, typed errors for
 * every way a server can fail, and 100 concurrent requests all answered.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeTools, Planner, planSchema, PlanValidationError, RemoteError, RemotePlanner, type OpenAITool, type Plan } from '../../src/planner/index.ts';
import { createPlanServer, type PlanServer } from '../../src/server/index.ts';
import { modelDir } from '../../scripts/lib/fixtures.ts';
import { QUERY, TOOLS } from '../../scripts/lib/tools-fixture.ts';

const ajv = new Ajv2020({ strict: false });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
const tools = normalizeTools(TOOLS);
const validPlan = ajv.compile(planSchema(tools, 5));
const openaiTools: OpenAITool[] = tools.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.parameters } }));
function expectValid(plan: Plan): void {
  expect(validPlan(plan), JSON.stringify(validPlan.errors)).toBe(true);
  for (const s of plan.steps) for (const d of s.depends_on) expect(d).toBeLessThan(s.id);
}

let planner: Planner;
let server: PlanServer;
beforeAll(async () => {
  planner = await Planner.create({ model: modelDir('tiny-qwen3_5'), dtype: 'q4' });
  server = await createPlanServer(planner, { port: 0 });
}, 60_000);
afterAll(async () => {
  await server?.close();
  await planner?.dispose();
});

const post = (body: unknown) => fetch(`${server.url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('toolplan serve', () => {
  it('binds to loopback by default', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
  });

  it('tools → tool_calls naming offered tools, arguments valid; the plan with its dependencies alongside', async () => {
    for (const seed of [1, 2]) {
      const r = await post({ model: 'm', messages: [{ role: 'user', content: QUERY }], tools: openaiTools, tool_choice: 'required', temperature: 1, seed, max_tokens: 160 });
      expect(r.status).toBe(200);
      const j = (await r.json()) as { choices: { message: { tool_calls: { function: { name: string; arguments: string } }[] }; finish_reason: string }[]; toolplan: { plan: Plan }; usage: { completion_tokens: number } };
      const calls = j.choices[0]!.message.tool_calls;
      expect(j.choices[0]!.finish_reason).toBe('tool_calls');
      expect(calls.length).toBeGreaterThanOrEqual(1);
      expectValid(j.toolplan.plan);
      expect(calls.map((c) => [c.function.name, JSON.parse(c.function.arguments)])).toEqual(j.toolplan.plan.steps.map((s) => [s.tool, s.args]));
      expect(j.usage.completion_tokens).toBeGreaterThan(0);
    }
  });

  it('response_format json_schema → content valid against the schema; streamed as SSE chunks', async () => {
    const schema = { type: 'object', properties: { name: { type: 'string', maxLength: 8 }, age: { type: 'integer', minimum: 0, maximum: 120 } }, required: ['name', 'age'], additionalProperties: false };
    const r = await post({ messages: [{ role: 'user', content: 'Ana is 31' }], response_format: { type: 'json_schema', json_schema: { name: 'p', schema } }, temperature: 1, seed: 3 });
    const j = (await r.json()) as { choices: { message: { content: string } }[] };
    expect(ajv.validate(schema, JSON.parse(j.choices[0]!.message.content))).toBe(true);
    const s = await post({ messages: [{ role: 'user', content: 'Ana is 31' }], response_format: { type: 'json_schema', json_schema: { name: 'p', schema } }, stream: true, stream_options: { include_usage: true }, temperature: 1, seed: 4 });
    expect(s.headers.get('content-type')).toMatch(/text\/event-stream/);
    const events = (await s.text()).split('\n\n').filter(Boolean);
    expect(events.at(-1)).toBe('data: [DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.slice(6)) as { choices: { delta: { content?: string }; finish_reason: string | null }[]; usage?: unknown });
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(ajv.validate(schema, JSON.parse(text))).toBe(true);
    expect(chunks.some((c) => c.choices[0]?.finish_reason === 'stop')).toBe(true);
    expect(chunks.at(-1)!.usage).toBeDefined();
  });

  it('bad requests are 400s in OpenAI error shape, naming the field or the typed error', async () => {
    const cases: [unknown, string][] = [
      [{ messages: [{ role: 'user', content: 'hi' }] }, 'response_format'],
      [{ messages: [] }, 'messages'],
      [{ messages: [{ role: 'user', content: 'x' }], tools: openaiTools, tool_choice: { type: 'function', function: { name: 'nope' } } }, 'tool_choice'],
      [{ messages: [{ role: 'user', content: 'x' }], n: 2, tools: openaiTools }, 'n'],
    ];
    for (const [body, param] of cases) {
      const r = await post(body);
      expect(r.status).toBe(400);
      expect(((await r.json()) as { error: { param: string } }).error.param).toBe(param);
    }
    const badTool = await post({ messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'function', function: { name: 'odd', parameters: { type: 'object', patternProperties: { a: {} }, additionalProperties: false } } }], tool_choice: 'required' });
    expect(badTool.status).toBe(400);
    expect(((await badTool.json()) as { error: { code: string } }).error.code).toBe('ToolDefinitionError');
    const notJson = await fetch(`${server.url}/chat/completions`, { method: 'POST', body: '{oops' });
    expect(notJson.status).toBe(400);
    expect((await fetch(`${server.url}/nowhere`)).status).toBe(404);
    expect(((await (await fetch(`${server.url}/models`)).json()) as { data: { id: string }[] }).data[0]!.id).toBe(planner.info.model);
  });
});

describe('RemotePlanner', () => {
  it('plans through the server, re-validated as a local plan is', async () => {
    const remote = new RemotePlanner({ baseURL: server.url, model: 'tiny' });
    for (const seed of [1, 2, 3]) {
      const r = await remote.plan(QUERY, TOOLS, { temperature: 1, seed, maxTokens: 160 });
      expectValid(r.plan);
      expect(r.stats.device).toBe('remote');
      expect(r.stats.tokens).toBeGreaterThan(0);
    }
    expect(remote.info.device).toBe('remote');
  });

  it('streams tokens and steps, then the plan they add up to', async () => {
    const remote = new RemotePlanner({ baseURL: server.url, model: 'tiny' });
    const events = [];
    for await (const e of remote.stream(QUERY, TOOLS, { temperature: 1, seed: 6, maxTokens: 160 })) events.push(e);
    const done = events.at(-1)!;
    expect(done.type).toBe('done');
    if (done.type !== 'done') return;
    expectValid(done.result.plan);
    expect(events.filter((e) => e.type === 'token').map((e) => (e.type === 'token' ? e.text : '')).join('')).toBe(done.result.text);
    expect(events.filter((e) => e.type === 'step').map((e) => (e.type === 'step' ? e.step : null))).toEqual(done.result.plan.steps);
  });

  it('100 concurrent requests are all answered, each valid', async () => {
    const remote = new RemotePlanner({ baseURL: server.url, model: 'tiny', timeoutMs: 300_000 });
    const t0 = performance.now();
    const results = await Promise.allSettled(Array.from({ length: 100 }, (_, i) => remote.plan(QUERY, TOOLS, { temperature: 1, seed: i, maxTokens: 96, maxSteps: 1 })));
    const failed = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
    expect(failed).toEqual([]);
    for (const r of results) if (r.status === 'fulfilled') expectValid(r.value.plan);
    console.log(`100 concurrent plans over HTTP: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }, 300_000);

  it('an abort mid-stream stops the call with AbortError and frees the server', async () => {
    const remote = new RemotePlanner({ baseURL: server.url, model: 'tiny' });
    const ac = new AbortController();
    let tokens = 0;
    const run = (async () => {
      for await (const e of remote.stream(QUERY, TOOLS, { temperature: 1, seed: 2, maxTokens: 400, minSteps: 5, maxSteps: 5, signal: ac.signal })) if (e.type === 'token' && ++tokens === 3) ac.abort();
    })();
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    for (let i = 0; i < 50; i++) {
      const h = (await (await fetch(`${server.url.replace(/\/v1$/, '')}/health`)).json()) as { pending: number };
      if (h.pending === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(((await (await fetch(`${server.url.replace(/\/v1$/, '')}/health`)).json()) as { pending: number }).pending).toBe(0);
  });
});

describe('RemotePlanner: every way a server fails is typed', () => {
  /** A server answering each request with `answer`. */
  let fake: Server;
  let base = '';
  let answer: (res: import('node:http').ServerResponse) => void = () => undefined;
  beforeAll(async () => {
    fake = createServer((req, res) => {
      req.resume();
      req.on('end', () => answer(res));
    });
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(fake.address() as AddressInfo).port}/v1`;
  });
  afterAll(() => new Promise<void>((r) => (fake.closeAllConnections(), fake.close(() => r()))));
  const json = (body: unknown, status = 200) => (res: import('node:http').ServerResponse) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  const content = (text: string, finish = 'stop') => json({ choices: [{ message: { content: text }, finish_reason: finish }], usage: { prompt_tokens: 10, completion_tokens: 5 } });
  const remote = (timeoutMs = 5_000) => new RemotePlanner({ baseURL: base, model: 'x', timeoutMs });

  it('an HTTP error status: RemoteError http with the status and body', async () => {
    answer = json({ error: { message: 'boom' } }, 500);
    await expect(remote().plan(QUERY, TOOLS)).rejects.toMatchObject({ name: 'RemoteError', failure: 'http', status: 500 });
  });

  it('no answer in timeoutMs: RemoteError timeout', async () => {
    answer = () => undefined; // never answers
    const t0 = performance.now();
    await expect(remote(300).plan(QUERY, TOOLS)).rejects.toMatchObject({ name: 'RemoteError', failure: 'timeout' });
    expect(performance.now() - t0).toBeLessThan(3_000);
  });

  it('nothing listening: RemoteError network', async () => {
    const dead = new RemotePlanner({ baseURL: 'http://127.0.0.1:9/v1', model: 'x' });
    await expect(dead.plan(QUERY, TOOLS)).rejects.toMatchObject({ name: 'RemoteError', failure: 'network' });
  });

  it('a plan cut at max_tokens: RemoteError length', async () => {
    answer = content('{"steps":[{"id":1,"tool":"get_wea', 'length');
    await expect(remote().plan(QUERY, TOOLS)).rejects.toMatchObject({ name: 'RemoteError', failure: 'length' });
  });

  it('an answer not in the protocol, or not JSON: RemoteError protocol', async () => {
    answer = json({ nothing: true });
    await expect(remote().plan(QUERY, TOOLS)).rejects.toMatchObject({ failure: 'protocol' });
    answer = content('not json');
    await expect(remote().plan(QUERY, TOOLS)).rejects.toMatchObject({ failure: 'protocol' });
  });

  it('a server whose grammar let a wrong plan through: PlanValidationError, never the plan', async () => {
    for (const wrong of [
      { steps: [{ id: 1, tool: 'not_offered', args: {}, depends_on: [] }] },
      { steps: [{ id: 1, tool: 'get_weather', args: { city: 'x'.repeat(50) }, depends_on: [] }] },
      { steps: [{ id: 1, tool: 'get_weather', args: { city: 'x' }, depends_on: [1] }] },
    ]) {
      answer = content(JSON.stringify(wrong));
      const e = await remote().plan(QUERY, TOOLS).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(PlanValidationError);
    }
    answer = content(JSON.stringify({ steps: [{ id: 1, tool: 'get_weather', args: { city: 'Oslo' }, depends_on: [] }] }));
    expect((await remote().plan(QUERY, TOOLS)).plan.steps[0]!.args).toEqual({ city: 'Oslo' });
  });

  it('an error event mid-stream: RemoteError http', async () => {
    answer = (res) => res.writeHead(200, { 'content-type': 'text/event-stream' }).end('data: {"choices":[{"delta":{"content":"{\\"st"}}]}\n\ndata: {"error":{"message":"gpu fell over"}}\n\n');
    const run = (async () => {
      for await (const _ of remote().stream(QUERY, TOOLS)) void _;
    })();
    await expect(run).rejects.toMatchObject({ name: 'RemoteError', failure: 'http' });
    expect(RemoteError).toBeDefined();
  });
});
