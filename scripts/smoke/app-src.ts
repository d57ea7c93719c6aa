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
