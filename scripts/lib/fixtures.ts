import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Where `npm run fixtures` writes the tiny models. */
export const MODELS_DIR = resolve(import.meta.dirname, '../../fixtures/models');

/** tiny-qwen3_5-opt: tiny-qwen3_5's weights on the -OPT export's fused linear-attention operators. */
export type TinyModel = 'tiny-qwen3_5' | 'tiny-qwen3_5-opt' | 'tiny-qwen3';
export type TinyDtype = 'fp32' | 'q4';
export const TINY_MATRIX: [TinyModel, TinyDtype][] = [
  ['tiny-qwen3_5', 'fp32'],
  ['tiny-qwen3_5', 'q4'],
  ['tiny-qwen3_5-opt', 'fp32'],
  ['tiny-qwen3_5-opt', 'q4'],
  ['tiny-qwen3', 'fp32'],
  ['tiny-qwen3', 'q4'],
];

export function modelDir(name: TinyModel): string {
  const dir = join(MODELS_DIR, name);
  if (!existsSync(join(dir, 'config.json'))) throw new Error(`${dir} missing: run \`npm run fixtures\` first`);
  return dir;
}

/** ONNX files of a tiny model for one dtype, as Transformers.js names them. */
export function onnxFiles(name: TinyModel, dtype: TinyDtype): { embed?: string; decoder: string } {
  const suffix = dtype === 'fp32' ? '' : `_${dtype}`;
  const dir = join(modelDir(name), 'onnx');
  return isQwen35(name)
    ? { embed: join(dir, `embed_tokens${suffix}.onnx`), decoder: join(dir, `decoder_model_merged${suffix}.onnx`) }
    : { decoder: join(dir, `model${suffix}.onnx`) };
}

/** Qwen3.5 layout: embed_tokens + decoder_model_merged, hybrid cache. */
export function isQwen35(name: TinyModel): boolean {
  return name.startsWith('tiny-qwen3_5');
}
