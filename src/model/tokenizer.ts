/**
 * The model's tokenizer and chat template. Built on the same two libraries Transformers.js uses
 * internally (`@huggingface/tokenizers`, `@huggingface/jinja`), so the prompt matches its
 * `apply_chat_template` without pulling Transformers.js (and its own onnxruntime copy) into the worker.
 */
import { Template } from '@huggingface/jinja';
import { Tokenizer } from '@huggingface/tokenizers';
import { UnsupportedModelError } from './errors.ts';

/** A chat message as chat templates take it. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
}

export interface ChatTemplateOptions {
  /** Tool definitions as the template expects them (usually OpenAI `{type:'function', function}`). */
  tools?: readonly unknown[] | undefined;
  addGenerationPrompt?: boolean | undefined;
  /** Qwen3 / Qwen3.5 thinking switch (false writes the empty think block). */
  enableThinking?: boolean | undefined;
}

/** The parsed `tokenizer.json` (shape owned by the tokenizers library). */
export type TokenizerJsonData = Record<string, unknown> & { model: Record<string, unknown> };

const SPECIAL_TOKEN_ATTRIBUTES = ['bos_token', 'eos_token', 'unk_token', 'sep_token', 'pad_token', 'cls_token', 'mask_token'];

export class TextTokenizer {
  private readonly tokenizer: Tokenizer;
  private template: Template | undefined;
  readonly chatTemplate: string | undefined;

  constructor(
    readonly json: TokenizerJsonData,
    readonly config: Record<string, unknown>,
  ) {
    this.tokenizer = new Tokenizer(json, config);
    const t = config.chat_template;
    if (typeof t === 'string') this.chatTemplate = t;
    else if (Array.isArray(t)) {
      const named = t as { name: string; template: string }[];
      this.chatTemplate = (named.find((x) => x.name === 'tool_use') ?? named.find((x) => x.name === 'default'))?.template;
    }
  }

  /** Token ids of `text`, without adding special tokens (special-token text maps to its id). */
  encode(text: string): number[] {
    return this.tokenizer.encode(text, { add_special_tokens: false }).ids;
  }

  decode(ids: readonly number[], options: { skipSpecialTokens?: boolean } = {}): string {
    return this.tokenizer.decode([...ids], { skip_special_tokens: options.skipSpecialTokens ?? false });
  }

  /** Id of a token string, e.g. `<|im_end|>`. */
  tokenId(token: string): number | undefined {
    return this.tokenizer.token_to_id(token);
  }

  /** Renders a conversation with the model's own chat template (as Transformers.js does). */
  applyChatTemplate(messages: readonly ChatMessage[], o: ChatTemplateOptions = {}): string {
    if (!this.chatTemplate) throw new UnsupportedModelError('tokenizer_config.json has no chat_template');
    this.template ??= new Template(this.chatTemplate);
    const special: Record<string, string> = {};
    for (const key of SPECIAL_TOKEN_ATTRIBUTES) {
      const v = this.config[key];
      const s = typeof v === 'string' ? v : (v as { content?: unknown } | null | undefined)?.content;
      if (typeof s === 'string') special[key] = s;
    }
    const context: Record<string, unknown> = {
      messages,
      add_generation_prompt: o.addGenerationPrompt ?? true,
      tools: o.tools ?? null,
      documents: null,
      ...special,
    };
    if (o.enableThinking !== undefined) context.enable_thinking = o.enableThinking;
    return this.template.render(context);
  }
}
