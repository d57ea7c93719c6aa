/**
 * Where a model's files live: a Hugging Face repo id, any base URL with the same layout, or a
 * local folder (Node). Also the dtype → file-suffix table of the Transformers.js layout.
 */

/** Weight formats of the Transformers.js ONNX layout. */
export type ModelDtype = 'fp32' | 'fp16' | 'q8' | 'int8' | 'uint8' | 'q4' | 'q4f16' | 'bnb4';

const SUFFIX: Record<ModelDtype, string> = {
  fp32: '',
  fp16: '_fp16',
  q8: '_quantized',
  int8: '_int8',
  uint8: '_uint8',
  q4: '_q4',
  q4f16: '_q4f16',
  bnb4: '_bnb4',
};

/** The file-name suffix of a dtype, e.g. `q4` → `_q4`. */
export function dtypeSuffix(dtype: ModelDtype): string {
  const s = SUFFIX[dtype];
  if (s === undefined) throw new RangeError(`unknown dtype "${String(dtype)}"`);
  return s;
}

/** Dtypes whose activations (and cache) are fp16, so WebGPU needs `shader-f16`. */
export function needsShaderF16(dtype: ModelDtype): boolean {
  return dtype === 'fp16' || dtype === 'q4f16';
}

/** A resolved model location: file names are joined onto it. */
export type ResolvedSource = { kind: 'url'; base: string } | { kind: 'dir'; path: string };

export interface SourceOptions {
  /** Git revision on the Hub (default `main`). */
  revision?: string;
  /** Hub host (default `https://huggingface.co`), e.g. a mirror. */
  hubHost?: string;
}

const HUB_ID = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;

/**
 * Resolves `model`:
 * - `https://…` / `http://…`: a base URL;
 * - `owner/name`: a Hub repo id → `{hubHost}/{id}/resolve/{revision}/`;
 * - anything else: a local folder in Node, a URL relative to the page in a browser.
 */
export function resolveSource(model: string, options: SourceOptions & { node: boolean }): ResolvedSource {
  const withSlash = (s: string) => (s.endsWith('/') ? s : `${s}/`);
  if (/^https?:\/\//.test(model)) return { kind: 'url', base: withSlash(model) };
  const looksLocal = model.startsWith('.') || model.startsWith('/') || /^[A-Za-z]:[\\/]/.test(model);
  if (!looksLocal && HUB_ID.test(model)) {
    const host = (options.hubHost ?? 'https://huggingface.co').replace(/\/$/, '');
    return { kind: 'url', base: `${host}/${model}/resolve/${encodeURIComponent(options.revision ?? 'main')}/` };
  }
  if (options.node) return { kind: 'dir', path: model.replace(/[\\/]$/, '') };
  const here = (globalThis as { location?: { href: string } }).location?.href;
  return { kind: 'url', base: withSlash(new URL(model, here ?? 'http://localhost/').href) };
}

/** Full location of a file of the model (`sub` like `onnx/model_q4.onnx`). */
export function fileLocation(source: ResolvedSource, sub: string): string {
  return source.kind === 'url' ? new URL(sub, source.base).href : `${source.path}/${sub}`;
}
