/**
 * The prompt: the model's chat template with the tools in `tools`, laid out so that system prompt
 * + tools form a stable prefix shared by every query over the same tools.
 */
import type { TextTokenizer } from '../model/index.ts';
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
  const render = (q: string) =>
    tokenizer.applyChatTemplate(
      [
        { role: 'system', content: system },
        { role: 'user', content: q },
      ],
      { tools: toTemplateTools(tools), addGenerationPrompt: true, enableThinking: preset.enableThinking },
    );
  // The stable prefix is what two renders with different queries share, cut after its last newline
  // so the split falls on a token boundary the tokenizer would also choose.
  const a = render(PROBE_A);
  const b = render(PROBE_B);
  let common = 0;
  while (common < a.length && a[common] === b[common]) common++;
  const cut = a.lastIndexOf('\n', common - 1) + 1;
  const text = render(query);
  const prefix = tokenizer.encode(text.slice(0, cut));
  const rest = tokenizer.encode(text.slice(cut));
  return { tokens: [...prefix, ...rest], prefixLength: prefix.length, text };
}
