/**
 * The `tool-calls` plan format: the model writes its family's native tool calls, as its chat
 * template asks, constrained like the JSON plan and converted to a `Plan` (calls in order, no
 * dependencies). Qwen3 / Qwen2.5 write JSON inside `<tool_call>`; Qwen3.5 writes XML:
 *
 * ```text
 * <tool_call>                                      <tool_call>
 * {"name": "search", "arguments": {"q": "x"}}      <function=search>
 * </tool_call>                                     <parameter=q>
 *                                                  x
 *                                                  </parameter>
 *                                                  </function>
 *                                                  </tool_call>
 * ```
 */
import { readXmlParameters, type Structure } from '../grammar/index.ts';
import type { PlanStep } from './plan.ts';
import type { Tool } from './tools.ts';
import { ToolCallSyntaxError } from './errors.ts';

/** How a model family writes one tool call. */
export type ToolCallSyntax = 'json' | 'xml';

const CALL_SEPARATOR = '\n';

/** The grammar of `minCalls`..`maxCalls` calls of `tools`, one after another. */
export function toolCallStructure(tools: readonly Tool[], syntax: ToolCallSyntax, minCalls: number, maxCalls: number): Structure {
  const call: Structure =
    syntax === 'json'
      ? {
          type: 'sequence',
          items: [
            { type: 'text', text: '<tool_call>\n{"name": "' },
            {
              type: 'select',
              options: tools.map((t) => ({
                // Spacing as the template's `tojson` writes it; whitespace inside the arguments is free (bounded).
                prefix: `${t.name}", "arguments": `,
                then: { type: 'sequence', items: [{ type: 'json', schema: t.parameters, whitespace: 'flexible' }, { type: 'text', text: '}\n</tool_call>' }] },
              })),
            },
          ],
        }
      : {
          type: 'sequence',
          items: [
            { type: 'text', text: '<tool_call>\n<function=' },
            {
              type: 'select',
              options: tools.map((t) => ({
                prefix: `${t.name}>\n`,
                then: { type: 'sequence', items: [{ type: 'xml_parameters', schema: t.parameters }, { type: 'text', text: '</function>\n</tool_call>' }] },
              })),
            },
          ],
        };
  return { type: 'repeat', item: call, min: minCalls, max: maxCalls, separator: CALL_SEPARATOR };
}


type Call = { tool: string; args: Record<string, unknown> };

const OPEN = '<tool_call>\n';
const CLOSE = '\n</tool_call>';

/** One call from `at`: the call and where it ends, or null when the text stops inside it. */
function readCall(text: string, at: number, byName: ReadonlyMap<string, Tool>, syntax: ToolCallSyntax): { call: Call; end: number } | null {
  if (!text.startsWith(OPEN, at)) {
    if (OPEN.startsWith(text.slice(at))) return null;
    throw new ToolCallSyntaxError(`expected <tool_call> at ${at}`);
  }
  const start = at + OPEN.length;
  if (syntax === 'json') {
    // A raw newline cannot occur inside a JSON string, so the first `\n</tool_call>` ends the call.
    const end = text.indexOf(CLOSE, start);
    if (end < 0) return null;
    const c = JSON.parse(text.slice(start, end)) as { name: string; arguments: Record<string, unknown> };
    if (!byName.has(c.name)) throw new ToolCallSyntaxError(`unknown tool ${c.name}`);
    return { call: { tool: c.name, args: c.arguments }, end: end + CLOSE.length };
  }
  // No call is complete before some `\n</tool_call>` (streamed text mostly stops short of one).
  if (text.indexOf(CLOSE, start) < 0) return null;
  // XML values are raw text that may contain anything but their own terminator: read in order.
  const head = /<function=([^>\n]+)>\n/y;
  head.lastIndex = start;
  const m = head.exec(text);
  if (!m) {
    if (!text.slice(start).includes('\n')) return null;
    throw new ToolCallSyntaxError(`expected <function=…> at ${start}`);
  }
  const tool = byName.get(m[1]!);
  if (!tool) throw new ToolCallSyntaxError(`unknown tool ${m[1]}`);
  const params = readXmlParameters(tool.parameters, text, head.lastIndex);
  if (!params) return null;
  const tail = '</function>' + CLOSE;
  if (!text.startsWith(tail, params.end)) {
    if (tail.startsWith(text.slice(params.end))) return null;
    throw new ToolCallSyntaxError(`expected </function> at ${params.end}`);
  }
  return { call: { tool: tool.name, args: params.args }, end: params.end + tail.length };
}

/**
 * The complete calls in `text` from `at` (where `count` calls were read before), and where they end.
 * A separator is expected before every call but the first.
 */
function readCalls(text: string, byName: ReadonlyMap<string, Tool>, syntax: ToolCallSyntax, at = 0, count = 0): { steps: PlanStep[]; end: number } {
  const steps: PlanStep[] = [];
  for (;;) {
    let from = at;
    if (count + steps.length > 0) {
      if (!text.startsWith(CALL_SEPARATOR, at)) break;
      from += CALL_SEPARATOR.length;
    }
    const r = readCall(text, from, byName, syntax);
    if (!r) break;
    steps.push({ id: count + steps.length + 1, ...r.call, depends_on: [] });
    at = r.end;
  }
  return { steps, end: at };
}

const byNameOf = (tools: readonly Tool[]): Map<string, Tool> => new Map(tools.map((t) => [t.name, t]));

/**
 * Reads native tool calls back as plan steps: ids in order, no dependencies (the format has no way
 * to say them).
 *
 * @example
 * ```ts
 * import { normalizeTools, parseToolCalls } from 'toolplan';
 *
 * const tools = normalizeTools([{ name: 'search', parameters: { type: 'object', properties: { q: { type: 'string' } } } }]);
 * parseToolCalls('<tool_call>\n{"name": "search", "arguments": {"q": "x"}}\n</tool_call>', tools, 'json');
 * // [{ id: 1, tool: 'search', args: { q: 'x' }, depends_on: [] }]
 * ```
 */
export function parseToolCalls(text: string, tools: readonly Tool[], syntax: ToolCallSyntax): PlanStep[] {
  const { steps, end } = readCalls(text, byNameOf(tools), syntax);
  if (end !== text.length) throw new ToolCallSyntaxError(`unexpected text at ${end}`);
  return steps;
}

/**
 * Streams plan steps out of tool-call text: a step is emitted when its `</tool_call>` arrives.
 */
export class ToolCallScanner {
  private text = '';
  /** End of the calls emitted so far: reading resumes there, so each call is parsed once. */
  private at = 0;
  private emitted = 0;
  private readonly byName: Map<string, Tool>;
  constructor(
    tools: readonly Tool[],
    private readonly syntax: ToolCallSyntax,
  ) {
    this.byName = byNameOf(tools);
  }

  /** Feeds more text; returns the steps that closed in it. */
  push(chunk: string): PlanStep[] {
    this.text += chunk;
    const { steps, end } = readCalls(this.text, this.byName, this.syntax, this.at, this.emitted);
    this.at = end;
    this.emitted += steps.length;
    return steps;
  }
}

/**
 * The syntax a model's chat template asks for: XML when it writes `<function=…>` (Qwen3.5,
 * Qwen3-Coder), JSON inside `<tool_call>` otherwise; with no template to read, Qwen3.5 model types
 * mean XML.
 */
export function detectToolCallSyntax(chatTemplate: string | undefined, modelType: string | undefined): ToolCallSyntax {
  if (chatTemplate?.includes('<function=')) return 'xml';
  if (chatTemplate?.includes('<tool_call>')) return 'json';
  return modelType?.startsWith('qwen3_5') ? 'xml' : 'json';
}
