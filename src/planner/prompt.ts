/**
 * The prompt: the model's chat template with the tools in `tools`, laid out so that system prompt
 * + tools form a stable prefix shared by every query over the same tools.
 */
import type { ChatMessage, TextTokenizer } from '../model/index.ts';
import { formatOf } from './formats/index.ts';
import type { ModelPreset, PlanFormat } from './presets.ts';
import { toTemplateTools, type Tool } from './tools.ts';

export interface PlanPrompt {
  /** All prompt tokens. */
  tokens: number[];
  /** How many leading tokens do not depend on the query (the snapshot point). */
  prefixLength: number;
  text: string;
}

const PROBE_A = '\u0001probe-a\u0001';
const PROBE_B = '\u0002probe-b\u0002';

/** Renders and tokenizes the prompt for `query` over `tools`, with the system prompt of `format`. */
export function buildPrompt(tokenizer: TextTokenizer, tools: readonly Tool[], query: string, preset: ModelPreset, format: PlanFormat = 'steps'): PlanPrompt {
  const system = formatOf(format).systemPrompt(preset);
  return chatPrompt(tokenizer, [{ role: 'system', content: system }, { role: 'user', content: query }], toTemplateTools(tools), preset.enableThinking);
}

/**
 * Renders and tokenizes `messages` (with `tools` in the template), split where the last message's
 * content begins: what comes before is shared by every request that differs only in that content,
 * so its snapshot is reused (a JSON completion over a server's fixed system prompt and tools).
 */
export function chatPrompt(tokenizer: TextTokenizer, messages: readonly ChatMessage[], tools: readonly unknown[] | undefined, enableThinking: boolean | undefined): PlanPrompt {
  const render = (last: string) =>
    tokenizer.applyChatTemplate(
      messages.map((m, i) => (i === messages.length - 1 ? { ...m, content: last } : m)),
      { tools, addGenerationPrompt: true, enableThinking },
    );
  // The stable prefix is what two renders with different queries share, cut after its last newline
  // so the split falls on a token boundary the tokenizer would also choose.
  const a = render(PROBE_A);
  const b = render(PROBE_B);
  let common = 0;
  while (common < a.length && a[common] === b[common]) common++;
  const cut = a.lastIndexOf('\n', common - 1) + 1;
  const text = render(messages.at(-1)!.content);
  const prefix = tokenizer.encode(text.slice(0, cut));
  const rest = tokenizer.encode(text.slice(cut));
  return { tokens: [...prefix, ...rest], prefixLength: prefix.length, text };
}
