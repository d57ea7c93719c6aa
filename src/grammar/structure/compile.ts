/** Compiling a structure for a vocabulary, cached by content like JSON Schema grammars. */
import { UnsatisfiableSchemaError } from '../errors.ts';
import { DONE, type GrammarContext } from '../frames/stack.ts';
import { hashOf } from '../content-hash.ts';
import { LruCache } from '../lru.ts';
import { GrammarMatcher, type MatcherOptions } from '../matcher.ts';
import type { Vocabulary } from '../vocabulary.ts';
import { buildSegment } from './segments.ts';
import type { Segment } from './segment.ts';
import type { Structure } from './spec.ts';

export interface StructureOptions {
  /** Build the JSON parts' schemas only when the matcher reaches them (see CompileOptions.deferChecks). */
  deferChecks?: boolean;
  /** Refuse keywords and formats the engine does not enforce (see CompileOptions.strict). */
  strict?: boolean;
}

/** A structure compiled for one vocabulary; make one matcher per request from it. */
export class CompiledStructure {
  private readonly root: Segment;
  constructor(
    readonly structure: Structure,
    readonly vocab: Vocabulary,
    readonly options: StructureOptions = {},
  ) {
    const ctx = (flexible: boolean): GrammarContext => ({ flexible, literalTries: new WeakMap() });
    this.root = buildSegment(structure, { compact: ctx(false), flexible: ctx(true), deferChecks: options.deferChecks ?? false, strict: options.strict ?? false });
    if (this.root.min === Infinity) throw new UnsatisfiableSchemaError('no text satisfies this structure', '');
  }

  /** Shortest text, in bytes. */
  get minBytes(): number {
    return this.root.min;
  }

  /** A fresh matcher at the start of the text. */
  matcher(options: MatcherOptions = {}): GrammarMatcher {
    return new GrammarMatcher(this.vocab, this.root.push(DONE), options);
  }
}

const cache = new LruCache<string, CompiledStructure>(32);

/**
 * Compiles `structure` for `vocab`, or returns the cached result for the same content.
 *
 * @example
 * ```ts
 * import { compileStructure, Vocabulary, type Structure } from 'toolplan';
 *
 * // A byte-level vocabulary (ids 0..255 are the bytes, 256 ends the text); real ones come from a tokenizer.
 * const vocab = new Vocabulary({ tokens: [...Array.from({ length: 256 }, (_, b) => Uint8Array.of(b)), null], size: 257, stopTokens: [256] });
 * // `<tool_call>\n{"name": "get_weather", "arguments": {...}}\n</tool_call>`, once or twice
 * const call: Structure = { type: 'sequence', items: [
 *   { type: 'text', text: '<tool_call>\n{"name": "get_weather", "arguments": ' },
 *   { type: 'json', schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }, whitespace: 'flexible' },
 *   { type: 'text', text: '}\n</tool_call>' },
 * ] };
 * const m = compileStructure({ type: 'repeat', item: call, min: 1, max: 2, separator: '\n' }, vocab).matcher();
 * console.log(m.forcedTokens().length); // 50: all of '<tool_call>\n{"name": "get_weather", "arguments": {' is forced
 * ```
 */
export function compileStructure(structure: Structure, vocab: Vocabulary, options: StructureOptions = {}): CompiledStructure {
  const key = `${vocab.id}|${options.deferChecks ? 'defer' : 'check'}|${options.strict ? 'strict' : 'lax'}|${hashOf(JSON.stringify(structure))}`;
  return cache.get(key, () => new CompiledStructure(structure, vocab, options));
}
