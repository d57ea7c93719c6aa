/** Whether a compiled schema's matcher takes a text token by token and ends complete. */
import { compileGrammar, TokenRejectedError, type Vocabulary } from '../../src/grammar/index.ts';

const enc = new TextEncoder();

/**
 * Tokenizes `text` with `vocab` and feeds it to a fresh matcher of `schema` (budget `maxTokens`):
 * true when every token is accepted and the document is complete. A rejected token is false; any
 * other error (a schema the engine refuses) is thrown.
 */
export function acceptsText(schema: unknown, text: string, vocab: Vocabulary, maxTokens = 4000): boolean {
  const m = compileGrammar(schema, vocab).matcher({ maxTokens });
  try {
    for (const t of vocab.tokenize(enc.encode(text))) m.accept(t);
  } catch (e) {
    if (e instanceof TokenRejectedError) return false;
    throw e;
  }
  return m.isComplete();
}
