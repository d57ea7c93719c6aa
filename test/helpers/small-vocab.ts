/**
 * The first 4,000 ids of the real Qwen vocabulary (all 256 single bytes, common words, JSON
 * punctuation) plus a stop token, so property tests run many walks quickly on real byte-level tokens.
 */
import { Vocabulary } from '../../src/grammar/index.ts';
import { qwenVocabulary } from '../../scripts/lib/qwen-vocab.ts';

let cached: Vocabulary | undefined;

export function smallVocabulary(): Vocabulary {
  if (!cached) {
    const full = qwenVocabulary();
    const stop = 4000;
    cached = new Vocabulary({ tokens: [...full.tokens.slice(0, stop), null], size: stop + 1, stopTokens: [stop] });
  }
  return cached;
}
