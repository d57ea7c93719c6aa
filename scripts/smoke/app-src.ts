/**
 * The sources of the smoke apps, written verbatim into the temp folders: what a user would write
 * from the README, with no toolplan-specific workaround (a workaround here would hide the bug).
 */

export const WEATHER_TOOL = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Weather in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

/** OpenAI + MCP shapes; the `format: 'email'` needs ajv-formats at run time. */
export const NODE_TOOLS = [
  WEATHER_TOOL,
  { name: 'send_email', description: 'Send an email', inputSchema: { type: 'object', properties: { to: { type: 'string', format: 'email' }, body: { type: 'string' } }, required: ['to'] } },
];

/** A tool the checker must refuse (a `required` name that is no string). */
export const BAD_TOOLS = [{ type: 'function', function: { name: 'broken', parameters: { type: 'object', properties: {}, required: [42] } } }];

/** Node: the library API in-process. Prints one JSON line; throws (exit 1) on anything wrong. */
export function nodePlanScript(model: string): string {
  return `import { Planner, checkTools, VERSION } from 'toolplan';
import { readFileSync } from 'node:fs';

const tools = JSON.parse(readFileSync('tools.json', 'utf8'));
const checked = checkTools(tools);
if (checked.length !== tools.length) throw new Error('checkTools returned ' + checked.length + ' tools');
const planner = await Planner.create({ model: ${JSON.stringify(model)}, device: 'cpu' });
try {
  const r = await planner.plan('Weather in Lisbon, then email it to ana@example.com', tools, { maxTokens: 80 });
  const steps = r?.plan?.steps;
  if (!Array.isArray(steps) || steps.length < 1) throw new Error('no steps in plan: ' + JSON.stringify(r?.plan));
  console.log(JSON.stringify({ version: VERSION, steps: steps.length, tokens: r.stats.tokens, plan: r.plan }));
} finally {
  await planner.dispose();
}
`;
}

/**
 * Node, through `toolplan/ai-sdk` and the real `ai` package: tool calls from generateText and an
 * object from Output.object, each checked against its schema by the SDK's own validation.
 */
export function nodeAiSdkScript(model: string): string {
  return `import { Planner } from 'toolplan';
import { toolplan, UnsupportedRequestError } from 'toolplan/ai-sdk';
import { generateText, jsonSchema, Output, tool } from 'ai';
import { z } from 'zod';

const planner = await Planner.create({ model: ${JSON.stringify(model)}, device: 'cpu' });
try {
  const model = toolplan(planner, { maxSteps: 2 });
  const tools = { get_weather: tool({ description: 'Current weather', inputSchema: z.object({ city: z.string().max(20) }) }) };
  const r = await generateText({ model, prompt: 'Weather in Lisbon', tools, toolChoice: 'required', maxOutputTokens: 80 });
  if (r.toolCalls.length < 1 || r.toolCalls.some((c) => c.toolName !== 'get_weather' || typeof c.input.city !== 'string')) throw new Error('bad tool calls: ' + JSON.stringify(r.toolCalls));
  const o = await generateText({ model, prompt: 'Ana is 31', output: Output.object({ schema: jsonSchema({ type: 'object', properties: { age: { type: 'integer', minimum: 0, maximum: 120 } }, required: ['age'], additionalProperties: false }) }) });
  if (!Number.isInteger(o.output.age)) throw new Error('bad object: ' + JSON.stringify(o.output));
  const refused = await generateText({ model, prompt: 'Say hi' }).then(() => 'answered', (e) => (e instanceof UnsupportedRequestError ? 'refused' : String(e)));
  if (refused !== 'refused') throw new Error('free text: ' + refused);
  console.log(JSON.stringify({ calls: r.toolCalls.length, finish: r.finishReason, object: o.output }));
} finally {
  await planner.dispose();
}
`;
}

/** Node: a RemotePlanner against `npx toolplan serve` (the base URL in argv[2]): a plan and a stream over HTTP. */
export const NODE_REMOTE_SCRIPT = `import { RemotePlanner } from 'toolplan';
import { readFileSync } from 'node:fs';

const tools = JSON.parse(readFileSync('tools.json', 'utf8'));
const planner = new RemotePlanner({ baseURL: process.argv[2], model: 'served' });
const r = await planner.plan('Weather in Lisbon, then email it to ana@example.com', tools, { maxTokens: 80 });
if (!Array.isArray(r.plan.steps) || r.plan.steps.length < 1) throw new Error('no steps: ' + JSON.stringify(r.plan));
let steps = 0;
for await (const e of planner.stream('Weather in Oslo', tools, { maxTokens: 80 })) if (e.type === 'step') steps++;
console.log(JSON.stringify({ steps: r.plan.steps.length, device: r.stats.device, streamedSteps: steps }));
`;

/** Browser: the page's module, shared by the Vite and webpack apps. No top-level await (older targets). */
export const BROWSER_MAIN_JS = `import { createPlanner } from 'toolplan';

const out = document.getElementById('out');
const tools = [${JSON.stringify(WEATHER_TOOL)}];

async function main() {
  const planner = await createPlanner({ model: './models/tiny-qwen3_5/', device: 'wasm', dtype: 'q4' });
  try {
    const r = await planner.plan('Weather in Lisbon', tools, { maxTokens: 100 });
    return { ok: true, plan: r.plan, device: r.stats.device, tokens: r.stats.tokens };
  } finally {
    await planner.dispose();
  }
}

main()
  .then((r) => (out.textContent = JSON.stringify(r)))
  .catch((e) => (out.textContent = JSON.stringify({ ok: false, name: e && e.name, message: String(e && e.message) })))
  .finally(() => (document.title = 'done'));
`;

export function indexHtml(script: boolean): string {
  return `<!doctype html>
<html>
  <head><meta charset="utf-8" /><title>loading</title></head>
  <body>
    <pre id="out">pending</pre>
${script ? '    <script type="module" src="/main.js"></script>\n' : ''}  </body>
</html>
`;
}
