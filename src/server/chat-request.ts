/**
 * An OpenAI Chat Completions request read as a planner call: a plan over `tools` (answered as
 * `tool_calls`), or a JSON completion under `response_format` (json_schema / json_object). Anything
 * else is a 400 with the field named, as OpenAI-compatible servers answer.
 */
import type { ChatMessage, JsonSchema, OpenAITool, PlanOptions } from '../index.ts';
import { HttpError } from './http-error.ts';

export interface SamplingOptions {
  temperature?: number;
  topP?: number;
  topK?: number;
  seed?: number;
  maxTokens?: number;
}

export type ChatCall =
  | { kind: 'plan'; query: string; tools: OpenAITool[]; options: PlanOptions; stream: boolean; usage: boolean }
  | { kind: 'json'; messages: ChatMessage[]; tools: OpenAITool[]; schema: JsonSchema; options: SamplingOptions; stream: boolean; usage: boolean };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function bad(param: string, message: string): never {
  throw new HttpError(400, message, 'invalid_request_error', param);
}

/** A message's text: a string, or the text parts of a content array. */
function textOf(content: unknown, at: string): string {
  if (content === null || content === undefined) return '';
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) bad(`${at}.content`, 'content must be a string or an array of parts');
  return content.map((p: unknown, i) => (isObject(p) && p.type === 'text' && typeof p.text === 'string' ? p.text : bad(`${at}.content[${i}]`, 'only text parts are supported'))).join('\n');
}

function messagesOf(v: unknown): ChatMessage[] {
  if (!Array.isArray(v) || v.length === 0) bad('messages', 'messages must be a non-empty array');
  return v.map((m: unknown, i) => {
    if (!isObject(m)) bad(`messages[${i}]`, 'a message must be an object');
    const role = m.role === 'developer' ? 'system' : m.role;
    if (role !== 'system' && role !== 'user' && role !== 'assistant' && role !== 'tool') bad(`messages[${i}].role`, `unknown role ${JSON.stringify(m.role)}`);
    let content = textOf(m.content, `messages[${i}]`);
    // An assistant turn that called tools: its calls, as text, so a JSON completion after them sees what was done.
    if (role === 'assistant' && Array.isArray(m.tool_calls) && m.tool_calls.length) content ||= JSON.stringify(m.tool_calls);
    return { role, content };
  });
}

function number(body: Record<string, unknown>, key: string, integer: boolean): number | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || (integer && !Number.isSafeInteger(v))) bad(key, `${key} must be ${integer ? 'an integer' : 'a number'}`);
  return v;
}

function toolsOf(v: unknown): OpenAITool[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) bad('tools', 'tools must be an array');
  return v.map((t: unknown, i) => {
    if (!isObject(t) || t.type !== 'function' || !isObject(t.function)) bad(`tools[${i}]`, 'only { type: "function", function } tools are supported');
    return t as unknown as OpenAITool;
  });
}

/** Reads a parsed request body; HttpError 400 names the first field that cannot be served. */
export function readChatRequest(body: unknown): ChatCall {
  if (!isObject(body)) bad('', 'the body must be a JSON object');
  const messages = messagesOf(body.messages);
  const n = number(body, 'n', true);
  if (n !== undefined && n !== 1) bad('n', 'only n = 1 is supported');
  const maxTokens = number(body, 'max_completion_tokens', true) ?? number(body, 'max_tokens', true);
  const sampling: SamplingOptions = {};
  const set = (k: keyof SamplingOptions, v: number | undefined) => v !== undefined && (sampling[k] = v);
  set('temperature', number(body, 'temperature', false));
  set('topP', number(body, 'top_p', false));
  set('topK', number(body, 'top_k', true));
  set('seed', number(body, 'seed', true));
  set('maxTokens', maxTokens);
  const stream = body.stream === true;
  const usage = stream ? isObject(body.stream_options) && body.stream_options.include_usage === true : true;

  let tools = toolsOf(body.tools);
  const choice = body.tool_choice ?? 'auto';
  const rf = body.response_format;
  if (choice !== 'none' && tools.length) {
    let minSteps = 0;
    if (choice === 'required') minSteps = 1;
    else if (isObject(choice) && choice.type === 'function' && isObject(choice.function) && typeof choice.function.name === 'string') {
      const name = choice.function.name;
      tools = tools.filter((t) => t.function.name === name);
      if (!tools.length) bad('tool_choice', `tool_choice names ${JSON.stringify(name)}, which is not in tools`);
      minSteps = 1;
    } else if (choice !== 'auto') bad('tool_choice', 'tool_choice must be "auto", "required", "none" or { type: "function", function: { name } }');
    const lastUser = messages.findLast((m) => m.role === 'user');
    if (!lastUser || !lastUser.content.trim()) bad('messages', 'a plan needs a user message with text');
    const maxSteps = body.parallel_tool_calls === false ? 1 : undefined;
    return { kind: 'plan', query: lastUser.content, tools, options: { ...sampling, minSteps, ...(maxSteps ? { maxSteps } : {}) }, stream, usage };
  }
  if (isObject(rf) && rf.type === 'json_schema') {
    const js = rf.json_schema;
    if (!isObject(js) || (js.schema !== undefined && !isObject(js.schema))) bad('response_format.json_schema', 'json_schema must be { name, schema }');
    return { kind: 'json', messages, tools, schema: (js.schema as JsonSchema | undefined) ?? {}, options: sampling, stream, usage };
  }
  if (isObject(rf) && rf.type === 'json_object') return { kind: 'json', messages, tools, schema: { type: 'object' }, options: sampling, stream, usage };
  bad(tools.length ? 'tool_choice' : 'response_format', 'toolplan serve answers plans (tools) and JSON (response_format json_schema or json_object), not free text');
}
