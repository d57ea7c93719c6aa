/** The constraint engine's view of a loaded model's tokenizer. */
import { Vocabulary, vocabularyFromTokenizerJson, type TokenizerJson } from '../grammar/index.ts';
import type { Model } from '../model/index.ts';

/** Token bytes, logits width and stop ids of `model`, with its tokenizer as the jump-forward encoder. */
export function vocabularyOf(model: Model): Vocabulary {
  const fatal = new TextDecoder('utf-8', { fatal: true });
  return new Vocabulary(
    vocabularyFromTokenizerJson(model.tokenizer.json as unknown as TokenizerJson, {
      size: model.vocabSize,
      stopTokens: model.eosTokenIds,
      // Jump-forward feeds forced text the way the tokenizer would; a run cut inside a UTF-8
      // sequence is not jumped.
      encode: (bytes) => {
        try {
          return model.tokenizer.encode(fatal.decode(bytes));
        } catch {
          return [];
        }
      },
    }),
  );
}
