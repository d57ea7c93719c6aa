/**
 * Tool validation up front: normalized shape (see tools.ts), then each parameters schema compiled,
 * so an unsupported keyword is reported with the tool's name and JSON pointer before any compute.
 */
import { compileGrammar, SchemaError, Vocabulary } from '../grammar/index.ts';
import { ToolDefinitionError } from './errors.ts';
import { normalizeTools, type Tool, type ToolInput } from './tools.ts';

/** Compiles every tool's parameters schema against `vocab`; schema errors become ToolDefinitionErrors. */
export function checkToolSchemas(tools: Tool[], vocab: Vocabulary): Tool[] {
  for (const t of tools) {
    try {
      compileGrammar(t.parameters, vocab);
    } catch (e) {
      if (e instanceof SchemaError) {
        const keyword = (e as { keyword?: string }).keyword;
        throw new ToolDefinitionError(t.name, e.pointer, e.message.replace(/ \(at #.*\)$/, ''), keyword);
      }
      throw e;
    }
  }
  return tools;
}

let byteVocab: Vocabulary | undefined;

/** One token per byte: schema errors do not depend on the vocabulary, so this is enough to check. */
function bytesVocabulary(): Vocabulary {
  byteVocab ??= new Vocabulary({
    tokens: Array.from({ length: 256 }, (_, b) => Uint8Array.of(b)),
    size: 257,
    stopTokens: [256],
  });
  return byteVocab;
}

/**
 * Checks tool definitions without a model: the same checks `plan()` runs first, usable on the main
 * thread (e.g. to validate a tool editor as the user types).
 *
 * @throws ToolDefinitionError naming the tool and the JSON pointer of the fault.
 * @example
 * ```ts
 * try { validateTools(JSON.parse(editor.value)); } catch (e) {
 *   if (e instanceof ToolDefinitionError) showError(`${e.tool} ${e.pointer}: ${e.detail}`);
 * }
 * ```
 */
export function validateTools(tools: readonly ToolInput[]): Tool[] {
  return checkToolSchemas(normalizeTools(tools), bytesVocabulary());
}
