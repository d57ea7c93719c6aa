/**
 * Writes a full-size random-weight stand-in for Qwen3.5-0.8B in the -OPT export's layout and
 * operators, for speed and memory measurements only (its weights are random: no quality):
 *   fixtures/models/stand-in-qwen3_5-0.8b/{config.json, generation_config.json, tokenizer.json,
 *     tokenizer_config.json, onnx/embed_tokens_q4.onnx, onnx/decoder_model_merged_q4.onnx{,_data},
 *     onnx/embed_tokens_quantized.onnx, onnx/decoder_model_merged_quantized.onnx{,_data}}
 * The exact Qwen3.5-0.8B text configuration (24 layers [linear ×3, full] ×6, hidden 1024,
 * intermediate 3584, 8 query / 2 KV heads × 256 with the output gate, linear attention 16 heads ×
 * 128, conv kernel 4, 248,320 logits, tied embedding), q4 as -OPT (asymmetric blocks of 32,
 * MatMulNBits + GatherBlockQuantized) and q8 as `quantize_dynamic` writes it (per-tensor uint8:
 * DynamicQuantizeLinear + MatMulInteger, a uint8 Gather + DequantizeLinear embedding), the same
 * weights in both, deterministic from --seed. The Qwen3.5 tokenizer is not
 * reachable here: the Qwen3 one is extended to 248,320 ids with placeholder tokens (each the
 * concatenation of two real tokens), so the vocabulary, trie and masks run at the real width.
 * About 0.7 GB per dtype: gitignored, never committed, not part of npm test or CI.
 *
 * Usage: npm run fixtures:full [-- --out fixtures/models --seed 1234 --dtype q4,q8]
 */
import { mkdirSync, writeFileSync, createWriteStream } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { once } from 'node:events';
import { Rng } from './onnx/rng.ts';
import { buildEmbedTokens, decoderGraph, qwen35ConfigJson, type TinyQwen35Config } from './tiny/qwen3_5.ts';
import { readQwen3Tokenizer, specialIds, writeRepoFiles } from './tiny/repo-files.ts';
import { OUT_GAIN } from './tiny/layers.ts';
import { QWEN3_5_CHAT_TEMPLATE } from './tiny/qwen3_5-chat-template.ts';

/** Qwen3.5-0.8B's text_config (see ../shared/docs/qwen3_5-transformersjs-reading.md §4). */
export function qwen35_08bConfig(): TinyQwen35Config {
  const hidden = 1024;
  const eps = 1e-6;
  const lin = 'linear_attention' as const;
  const full = 'full_attention' as const;
  return {
    vocab: 248320,
    hidden,
    intermediate: 3584,
    layerTypes: Array.from({ length: 6 }, () => [lin, lin, lin, full]).flat(),
    attention: { hidden, heads: 8, kvHeads: 2, headDim: 256, eps, gated: true, normOffset: 1, outGain: OUT_GAIN },
    rotaryDim: 64,
    ropeTheta: 1e7,
    mropeSection: [11, 11, 10],
    deltaNet: { hidden, keyHeads: 16, valueHeads: 16, keyDim: 128, valueDim: 128, convKernel: 4, convStateLen: 3, eps },
    eps,
    maxPositions: 262144,
  };
}

const { values } = parseArgs({
  options: { out: { type: 'string', default: 'fixtures/models' }, seed: { type: 'string', default: '1234' }, dtype: { type: 'string', default: 'q4,q8' } },
});
/** The dtypes written, as the loader names them, and how the graph builder quantises each. */
const QUANTS = { q4: { quant: 'q4-asym', suffix: '_q4' }, q8: { quant: 'q8', suffix: '_quantized' } } as const;
const dtypes = values.dtype!.split(',').map((d) => {
  if (d !== 'q4' && d !== 'q8') throw new Error(`--dtype: q4 and/or q8, not "${d}"`);
  return d;
});
const dir = join(resolve(values.out!), 'stand-in-qwen3_5-0.8b');
const seed = Number(values.seed);
const t0 = performance.now();
const log = (m: string) => console.log(`${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s  ${m}`);

const tokenizer = readQwen3Tokenizer();
const c = qwen35_08bConfig();

// Placeholder tokens up to the real width: concatenations of two real tokens, never a duplicate.
{
  const vocab = tokenizer.model.vocab;
  const words = Object.keys(vocab);
  const taken = new Set(words);
  for (const t of tokenizer.added_tokens) taken.add(t.content);
  const rng = new Rng(seed ^ 0x70cab);
  let next = 1 + [...Object.values(vocab), ...tokenizer.added_tokens.map((t) => t.id)].reduce((a, b) => Math.max(a, b), 0);
  while (next < c.vocab) {
    const w = words[Math.floor(rng.next() * words.length)]! + words[Math.floor(rng.next() * words.length)]!;
    if (taken.has(w) || w.length > 24) continue;
    taken.add(w);
    vocab[w] = next++;
  }
  log(`tokenizer extended to ${next} ids`);
}

const ids = specialIds(tokenizer);

mkdirSync(join(dir, 'onnx'), { recursive: true });
const config = qwen35ConfigJson(c, ids) as Record<string, unknown>;
config['transformers.js_config'] = {
  dtype: 'q4',
  use_external_data_format: Object.fromEntries(dtypes.map((d) => [`decoder_model_merged${QUANTS[d].suffix}.onnx`, 1])),
};
config.toolplan_stand_in = 'random weights at the real size: for speed and memory measurements only';
writeRepoFiles(dir, { config, ids, chatTemplate: QWEN3_5_CHAT_TEMPLATE, tokenizer });

// The embedding is drawn at std 1/4: with tied weights it is also the lm_head, and unit-scale rows
// over 1024 dims give logits so peaked that sampling never varies.
const embed = new Rng(seed ^ 0x5eed).normalArray(c.vocab * c.hidden, 0.25);
log('embedding drawn');
for (const d of dtypes) {
  const { quant, suffix } = QUANTS[d];
  const embedName = `embed_tokens${suffix}.onnx`;
  const embedFile = buildEmbedTokens(embed, c.vocab, c.hidden, quant);
  writeFileSync(join(dir, 'onnx', embedName), embedFile);
  log(`${embedName} ${(embedFile.byteLength / 1e6).toFixed(1)} MB`);

  // Each dtype's decoder from the same seed: the same weights, quantised two ways.
  const graph = decoderGraph(c, embed, seed + 1, quant, 'opt');
  log(`decoder built and quantised (${d})`);
  const modelName = `decoder_model_merged${suffix}.onnx`;
  const dataName = `${modelName}_data`;
  const { model, data } = graph.encodeModel('decoder_model_merged', dataName);
  writeFileSync(join(dir, 'onnx', modelName), model);
  const out = createWriteStream(join(dir, 'onnx', dataName));
  let bytes = 0;
  for (const chunk of data) {
    bytes += chunk.byteLength;
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  log(`${modelName} ${(model.byteLength / 1e6).toFixed(1)} MB + ${dataName} ${(bytes / 1e6).toFixed(1)} MB`);
}
log(`stand-in written to ${dir} (seed ${seed})`);
