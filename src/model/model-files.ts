/**
 * Which files make up a model in the Transformers.js layout: the decoder (and embedding) graphs for
 * a dtype, their external-data chunks, and the JSON configs.
 */
import { dtypeSuffix, type ModelDtype } from './source.ts';

/** The parts of `config.json` the runtime reads. */
export interface ModelConfig {
  model_type?: string;
  architectures?: string[];
  vocab_size?: number;
  max_position_embeddings?: number;
  eos_token_id?: number | number[];
  text_config?: Omit<ModelConfig, 'text_config'>;
  'transformers.js_config'?: {
    dtype?: ModelDtype | Record<string, ModelDtype>;
    use_external_data_format?: boolean | number | Record<string, boolean | number>;
    /** Per-device overrides (Transformers.js spreads `device_config[device]` over the rest). */
    device_config?: Partial<Record<string, { dtype?: ModelDtype | Record<string, ModelDtype> }>>;
  };
  [key: string]: unknown;
}

/** Graph files of a model, base names without suffix. */
export interface GraphNames {
  decoder: string;
  /** Present for exports whose decoder takes `inputs_embeds`. */
  embed?: string | undefined;
}

// Vision-language families export text as embed_tokens + decoder_model_merged.
const EMBED_FAMILIES = new Set(['qwen3_5', 'qwen3_5_moe', 'qwen3_vl', 'qwen2_vl', 'qwen2_5_vl', 'gemma3', 'gemma3n']);

export function graphNames(config: ModelConfig): GraphNames {
  if (config.model_type && EMBED_FAMILIES.has(config.model_type)) return { decoder: 'decoder_model_merged', embed: 'embed_tokens' };
  return { decoder: 'model' };
}

/** The dtype of one graph: explicit, else the repo's `transformers.js_config.dtype`, else q4. */
export function dtypeFor(config: ModelConfig, base: string, requested: ModelDtype | undefined): ModelDtype {
  if (requested) return requested;
  const d = config['transformers.js_config']?.dtype;
  if (typeof d === 'string') return d;
  return d?.[base] ?? 'q4';
}

/** The dtype the repo states for one graph on one device (`transformers.js_config.device_config`), if any. */
export function deviceConfigDtype(config: ModelConfig, base: string, device: string): ModelDtype | undefined {
  const d = config['transformers.js_config']?.device_config?.[device]?.dtype;
  return typeof d === 'string' ? d : d?.[base];
}

/** `onnx/{base}{suffix}.onnx` */
export function graphFile(base: string, dtype: ModelDtype): string {
  return `onnx/${base}${dtypeSuffix(dtype)}.onnx`;
}

/** External data chunk names of a graph file: `x.onnx_data`, `x.onnx_data_1`, … (as Transformers.js). */
export function externalDataFiles(config: ModelConfig, base: string, file: string): string[] {
  const f = config['transformers.js_config']?.use_external_data_format;
  const name = file.slice(file.lastIndexOf('/') + 1);
  const v = typeof f === 'object' && f !== null ? (f[name] ?? f[name.replace(/\.onnx$/, '')] ?? f[base]) : f;
  const n = v === true ? 1 : typeof v === 'number' ? v : 0;
  return Array.from({ length: n }, (_, i) => `${file}_data${i === 0 ? '' : `_${i}`}`);
}

/** Fields that may live in `text_config` (Qwen3.5) or at the top level (Qwen3). */
export function textField<K extends keyof Omit<ModelConfig, 'text_config'>>(config: ModelConfig, key: K): ModelConfig[K] {
  return config.text_config?.[key] ?? config[key];
}

/**
 * genai_config.json, written by onnxruntime-genai's model builder: the fields the runtime reads.
 * Its folder holds `model.onnx` (+ `model.onnx.data`), config.json and the tokenizer, no `onnx/`.
 */
export interface GenaiConfig {
  model?: {
    context_length?: number;
    eos_token_id?: number | number[];
    vocab_size?: number;
    decoder?: { filename?: string };
  };
}

/** The decoder file of a genai export and its external data (the builder writes `<file>.data`). */
export function genaiGraphFiles(genai: GenaiConfig): { decoder: string; data: string } {
  const decoder = genai.model?.decoder?.filename ?? 'model.onnx';
  return { decoder, data: `${decoder}.data` };
}
