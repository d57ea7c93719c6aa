/**
 * A query far longer than the context is refused before it is tokenized whole (a 1 MB query took
 * 18 s to tokenize, only to be refused): it is counted piece by piece, cut before whitespace as the
 * pre-tokenizer cuts, and counting stops once the pieces alone pass the limit.
 */
import type { TextTokenizer } from '../model/index.ts';

/** Queries up to this many characters are simply tokenized with the prompt. */
const QUICK_CHARS = 16_384;
const PIECE_CHARS = 4096;

/** A lower estimate of the query's tokens once it is known to exceed `limit`, else undefined. */
export function queryOverLimit(tokenizer: TextTokenizer, query: string, limit: number): number | undefined {
  if (query.length <= QUICK_CHARS || query.length <= limit) return undefined;
  let count = 0;
  for (let at = 0; at < query.length; ) {
    let end = Math.min(query.length, at + PIECE_CHARS);
    // Cut before a space (never inside a surrogate pair), so pieces tokenize as the whole would.
    if (end < query.length) {
      const space = query.lastIndexOf(' ', end);
      if (space > at) end = space;
      else if (/[\uD800-\uDBFF]/.test(query[end - 1]!)) end--;
    }
    count += tokenizer.encode(query.slice(at, end)).length;
    if (count > limit) return count;
    at = end;
  }
  return undefined;
}
