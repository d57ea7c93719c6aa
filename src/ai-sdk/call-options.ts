/**
 * An AI SDK call (LanguageModelV4CallOptions) read as a planner call: which query, which tools,
 * which plan options, and what the SDK asked for that the planner ignores (returned as warnings,
 * as the SDK's providers do).
 */
import type { LanguageModelV4CallOptions, LanguageModelV4Message, SharedV4Warning } from '@ai-sdk/provider';
import { InvalidOptionError, UnsupportedRequestError, type JsonSchema, type PlanOptions, type ShortlistOptions, type ToolInput } from '../planner/index.ts';
import { outputTool, type OutputTool } from './output-tool.ts';

/** Plan options an AI SDK call can set, in the model's settings or per call in `providerOptions.toolplan`. */
export interface ToolplanCallOptions {
  /** Most steps (tool calls) in a plan (default 5). */
  maxSteps?: number;
  /** Fewest steps; default 0 for `toolChoice: 'auto'`, 1 for `'required'` and `{ type: 'tool' }`. */
  minSteps?: number;
  /** What the model writes: the JSON plan (`steps`) or its native `tool-calls` (default: the preset's). */
  format?: PlanOptions['format'];
  /** Keep only the k most relevant tools for the prompt and the grammar (`providerOptions` take a number only). */
  shortlist?: number | ShortlistOptions;
  /** Feed forced runs in one forward pass (default true). */
  jumpForward?: boolean;
}

const CALL_KEYS = ['maxSteps', 'minSteps', 'format', 'shortlist', 'jumpForward'] as const;

export type PlanCall =
  /** The conversation ends on tool results and no object is asked for: the plan has been handed out. */
  | { kind: 'answered'; warnings: SharedV4Warning[] }
  | { kind: 'tools'; query: string; tools: ToolInput[]; options: PlanOptions; warnings: SharedV4Warning[]; output?: OutputTool }
  | { kind: 'object'; query: string; tools: ToolInput[]; options: PlanOptions; warnings: SharedV4Warning[]; output: OutputTool };

const textOf = (m: LanguageModelV4Message): string =>
  m.role === 'system' ? m.content : (m.content as { type: string; text?: string }[]).flatMap((p) => (p.type === 'text' && p.text ? [p.text] : [])).join('\n');

/** Tool results after the last user message, as text the object prompt can carry. */
function resultsText(after: readonly LanguageModelV4Message[]): string {
  const lines: string[] = [];
  for (const m of after) {
    if (m.role !== 'tool') continue;
    for (const p of m.content) if (p.type === 'tool-result') lines.push(`${p.toolName}: ${JSON.stringify(p.output.type === 'json' || p.output.type === 'text' ? p.output.value : p.output)}`);
  }
  return lines.length ? `\n\nTool results:\n${lines.join('\n')}` : '';
}

function callOptions(settings: ToolplanCallOptions, provider: unknown, warnings: SharedV4Warning[]): ToolplanCallOptions {
  const out: ToolplanCallOptions = { ...settings };
  if (provider === undefined) return out;
  if (typeof provider !== 'object' || provider === null) throw new InvalidOptionError('providerOptions.toolplan', 'must be an object', provider);
  for (const [k, v] of Object.entries(provider)) {
    if ((CALL_KEYS as readonly string[]).includes(k)) (out as Record<string, unknown>)[k] = v;
    else warnings.push({ type: 'other', message: `providerOptions.toolplan.${k} is not a toolplan option (${CALL_KEYS.join(', ')})` });
  }
  return out;
}

/** One step over one tool, in the JSON plan format: the step's args are the object. */
const objectOptions = (base: PlanOptions): PlanOptions => ({ ...base, minSteps: 1, maxSteps: 1, format: 'steps' });

/** Reads `o` as a planner call; throws UnsupportedRequestError or InvalidOptionError for what cannot be planned. */
export function planCall(o: LanguageModelV4CallOptions, settings: ToolplanCallOptions): PlanCall {
  const warnings: SharedV4Warning[] = [];
  const lastUser = o.prompt.findLastIndex((m) => m.role === 'user');
  if (lastUser < 0) throw new UnsupportedRequestError('prompt', 'toolplan plans from a user message; the prompt has none');
  const after = o.prompt.slice(lastUser + 1);
  if (after.length && after.at(-1)!.role !== 'tool') throw new UnsupportedRequestError('prompt', `the last message is the ${after.at(-1)!.role}'s: toolplan answers a user message or tool results`);
  const user = o.prompt[lastUser]!;
  const query = textOf(user);
  if (query.trim() === '') throw new UnsupportedRequestError('prompt', 'the last user message has no text');
  if (user.role === 'user' && user.content.some((p) => p.type === 'file')) warnings.push({ type: 'unsupported', feature: 'file parts', details: 'the planner reads text only; files were left out' });
  if (o.prompt.some((m) => m.role === 'system')) warnings.push({ type: 'unsupported', feature: 'system messages', details: "the planner uses its model preset's system prompt (PlannerOptions.preset)" });
  const earlier = o.prompt.slice(0, lastUser).filter((m) => m.role !== 'system').length;
  if (earlier) warnings.push({ type: 'other', message: `toolplan plans from the last user message; ${earlier} earlier message(s) were not used` });
  for (const [feature, set] of [
    ['stopSequences', o.stopSequences?.length],
    ['presencePenalty', o.presencePenalty],
    ['frequencyPenalty', o.frequencyPenalty],
  ] as const) {
    if (set) warnings.push({ type: 'unsupported', feature, details: 'the grammar decides where a plan ends' });
  }
  if (o.reasoning !== undefined && o.reasoning !== 'provider-default' && o.reasoning !== 'none') {
    warnings.push({ type: 'unsupported', feature: 'reasoning', details: 'plans are written without a thinking block (ModelPreset.thinking)' });
  }

  const opts = callOptions(settings, o.providerOptions?.toolplan, warnings);
  const base: PlanOptions = {
    ...(o.abortSignal ? { signal: o.abortSignal } : {}),
    ...(o.temperature !== undefined ? { temperature: o.temperature } : {}),
    ...(o.topP !== undefined ? { topP: o.topP } : {}),
    ...(o.topK !== undefined ? { topK: o.topK } : {}),
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
    ...(o.maxOutputTokens !== undefined ? { maxTokens: o.maxOutputTokens } : {}),
    ...(opts.jumpForward !== undefined ? { jumpForward: opts.jumpForward } : {}),
  };
  const rf = o.responseFormat?.type === 'json' ? o.responseFormat : undefined;
  const output = rf ? outputTool(rf.schema as JsonSchema | undefined, rf.name, rf.description) : undefined;

  let tools: ToolInput[] = [];
  for (const t of o.tools ?? []) {
    if (t.type === 'function') tools.push({ name: t.name, ...(t.description !== undefined ? { description: t.description } : {}), parameters: t.inputSchema as JsonSchema });
    else warnings.push({ type: 'unsupported', feature: `provider tool ${t.id}`, details: 'only function tools can be planned' });
  }
  const choice = o.toolChoice ?? { type: 'auto' };
  if (choice.type === 'none') tools = [];
  if (choice.type === 'tool') {
    tools = tools.filter((t) => 'name' in t && t.name === choice.toolName);
    if (tools.length === 0) throw new InvalidOptionError('toolChoice', 'names no function tool of the call', choice.toolName);
  }

  if (tools.length && after.length === 0) {
    const minSteps = opts.minSteps ?? (choice.type === 'auto' ? 0 : 1);
    const options: PlanOptions = { ...base, minSteps, ...pick(opts, ['maxSteps', 'format', 'shortlist']) };
    return output ? { kind: 'tools', query, tools, options, warnings, output } : { kind: 'tools', query, tools, options, warnings };
  }
  if (output) {
    return { kind: 'object', query: query + resultsText(after), tools: [output.tool], options: objectOptions(base), warnings, output };
  }
  if (after.length) return { kind: 'answered', warnings };
  throw new UnsupportedRequestError('text', 'toolplan writes plans and JSON objects, not free text: pass tools, or a schema (Output.object, generateObject)');
}

function pick<K extends keyof ToolplanCallOptions>(o: ToolplanCallOptions, keys: readonly K[]): Pick<ToolplanCallOptions, K> {
  const out: Partial<Pick<ToolplanCallOptions, K>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out as Pick<ToolplanCallOptions, K>;
}

/** The object call a tools call falls back to when its plan is empty and an object was asked for. */
export function objectCall(call: Extract<PlanCall, { kind: 'tools' }> & { output: OutputTool }): Extract<PlanCall, { kind: 'object' }> {
  const { maxSteps: _m, minSteps: _n, format: _f, shortlist: _s, ...base } = call.options;
  return { kind: 'object', query: call.query, tools: [call.output.tool], options: objectOptions(base), warnings: call.warnings, output: call.output };
}
