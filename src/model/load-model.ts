/**
 * From "a model id, URL or folder" to a ready `Model`: configs and tokenizer, graph files for the
 * dtype (streamed, cached, checked), sessions on the best device, and the cached causal LM.
 */
import type { InferenceSession } from 'onnxruntime-common';
import { CausalLM } from './causal-lm.ts';
import { fetchModelFile, type FileRequest } from './download.ts';
import { QuantizedEmbedding, type EmbeddingSession } from './embedding-lookup.ts';
import { localFileExists, readLocalFile } from './node-io.ts';
import { BackendError, DownloadError, ModelFileNotFoundError, UnsupportedModelError, UnsupportedOperatorError } from './errors.ts';
import { dtypeCandidates, describeDtypes, type GraphDtype } from './dtype-choice.ts';
import { externalDataFiles, genaiGraphFiles, graphFile, graphNames, textField, type GenaiConfig, type ModelConfig } from './model-files.ts';
import { isNode, loadOrt, type OrtModule } from './ort.ts';
import type { ProgressCallback, ProgressInfo } from './progress.ts';
import { createSession, probeDevice, type Device, type DeviceRequest, type ModelBytes } from './sessions.ts';
import { SnapshotStore } from './snapshot-store.ts';
import { needsShaderF16, resolveSource, type ModelDtype, type ResolvedSource } from './source.ts';
import { TextTokenizer, type TokenizerJsonData } from './tokenizer.ts';

export interface LoadModelOptions {
  /**
   * Weight format, honoured exactly. Default: the repo's per-device
   * `transformers.js_config.device_config[device].dtype`; else on WASM `q8` when the repo has its
   * `_quantized` graphs (q4's MatMulNBits is ~18× slower there); else the repo's
   * `transformers.js_config.dtype`, else `q4`. `Model.reason` says which rule chose it.
   */
  dtype?: ModelDtype;
  /**
   * Default `auto`: WebGPU when usable, else WASM (browser); CPU in Node. In Node, `webgpu` runs
   * onnxruntime-node's WebGPU execution provider (Dawn; Linux and Windows builds).
   */
  device?: DeviceRequest;
  /**
   * On WebGPU, choose each token on the GPU (a small sampling graph fed the logits buffer and the
   * mask) and read back only its id; top-k / top-p sampling still reads the row. Default true.
   */
  sampleOnDevice?: boolean;
  /** Hub revision (default `main`). */
  revision?: string;
  /** Hub host (default `https://huggingface.co`). */
  hubHost?: string;
  /** Load progress, shaped like Transformers.js's `progress_callback`. */
  onProgress?: ProgressCallback;
  /** Cancels the load (downloads included); it rejects with the signal's reason. */
  signal?: AbortSignal;
  /** A model file whose server sends nothing for this long fails with DownloadError (default 30 s). */
  stallTimeoutMs?: number;
  /** Keep files in Cache Storage for offline reloads (default true; browser only). */
  useCache?: boolean;
  /** Known sha256 of files, by path in the repo (e.g. `onnx/decoder_model_merged_q4.onnx`). */
  integrity?: Record<string, string>;
  /** Byte budget of prefix snapshots (default 256 MiB). */
  snapshotBudgetBytes?: number;
  /** Graph base names, when a repo departs from its family's layout. */
  graphs?: { decoder: string; embed?: string };
  /** A specific onnxruntime module (default: onnxruntime-web/webgpu in browsers, onnxruntime-node in Node). */
  ort?: OrtModule;
  /** Browser: where onnxruntime-web's .wasm/.mjs files are served from (`env.wasm.wasmPaths`). */
  wasmPaths?: string;
}

/** A loaded model: tokenizer, configs and the cached causal LM on its device. */
export interface Model {
  /** The id, URL or folder it was loaded from. */
  readonly name: string;
  readonly config: ModelConfig;
  readonly generationConfig: Record<string, unknown>;
  readonly tokenizer: TextTokenizer;
  readonly lm: CausalLM;
  readonly device: Device;
  /** Why this device (and, where not the plain default, why this dtype). */
  readonly reason: string;
  readonly dtype: ModelDtype;
  /** Ids that end generation (from generation_config.json, else config.json). */
  readonly eosTokenIds: readonly number[];
  /** Width of the logits. */
  readonly vocabSize: number;
  /** Prefix snapshots of this model. */
  readonly snapshots: SnapshotStore;
  /** Frees the sessions, GPU buffers and snapshots. */
  dispose(): Promise<void>;
}

/**
 * `quiet`: no progress events (a probe for a file that is usually absent must not show as a download).
 * `mayBeMissing`: events only once the file is known to exist (it is downloaded with progress if so);
 * undefined when it is absent or could not be reached before it answered (offline: the next dtype
 * may be in the cache).
 */
type Fetch = (file: string, optional?: boolean, quiet?: boolean, mayBeMissing?: boolean) => Promise<Uint8Array | undefined>;

async function json<T>(get: Fetch, file: string, optional = false, quiet = false): Promise<T | undefined> {
  const bytes = await get(file, optional, quiet);
  if (!bytes) return undefined;
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as T;
  } catch (e) {
    throw new UnsupportedModelError(`${file} is not valid JSON`, { cause: e });
  }
}

/** Whether `ort` is onnxruntime-web (its env says so), wherever it runs. */
function isWebOrt(ort: OrtModule): boolean {
  return (ort.env as { versions?: Record<string, string> }).versions?.web !== undefined;
}

/**
 * Whether `ort` opens local model paths itself, external data included. onnxruntime-node (and any
 * other module given) does; onnxruntime-web in Node cannot mount external data from a path
 * ("Module.MountedFiles is not available"), so it gets bytes.
 */
function readsLocalPaths(ort: OrtModule, node: boolean): boolean {
  return node && !isWebOrt(ort);
}

/**
 * A graph file and its external-data chunks: the local path where `ort` reads it (and its chunks)
 * itself, else the bytes. `optionalChunks`: a chunk that is absent is left out.
 */
async function graphBytes(get: Fetch, source: ResolvedSource, file: string, chunks: readonly string[], paths: boolean, optionalChunks = false): Promise<ModelBytes> {
  return (await graphBytesIfPresent(get, source, file, chunks, paths, optionalChunks, false))!;
}

/**
 * graphBytes, or undefined when `probe` and the graph file itself is absent (no progress event
 * for it then). A missing chunk of a graph that exists is still an error.
 */
async function graphBytesIfPresent(get: Fetch, source: ResolvedSource, file: string, chunks: readonly string[], paths: boolean, optionalChunks: boolean, probe: boolean): Promise<ModelBytes | undefined> {
  if (source.kind === 'dir' && paths) {
    const path = `${source.path}/${file}`;
    return probe && !(await localFileExists(path)) ? undefined : { kind: 'path', path };
  }
  const data = await get(file, false, false, probe);
  if (!data) return undefined;
  const externalData = [];
  for (const c of chunks) {
    const bytes = await get(c, optionalChunks);
    if (bytes) externalData.push({ path: c.slice(c.lastIndexOf('/') + 1), data: bytes });
  }
  return { kind: 'bytes', data, externalData };
}

async function probeGenai(get: Fetch, signal: AbortSignal | undefined): Promise<GenaiConfig | undefined> {
  try {
    return await json<GenaiConfig>(get, 'genai_config.json', true, true);
  } catch (e) {
    if (signal?.aborted) throw e;
    return undefined;
  }
}

function eosOf(config: ModelConfig, gen: Record<string, unknown>): number[] {
  const v = gen.eos_token_id ?? textField(config, 'eos_token_id');
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is number => typeof x === 'number');
}

function watchDevice(ort: OrtModule, lm: CausalLM): void {
  const dev = (ort.env as { webgpu?: { device?: GPUDevice | Promise<GPUDevice> } }).webgpu?.device;
  if (!dev) return;
  void Promise.resolve(dev).then(
    (d) => d?.lost.then((info) => lm.markDeviceLost(info.message || info.reason || 'unknown')),
    () => undefined,
  );
}

/**
 * Loads a model for decoding.
 *
 * @example
 * ```ts
 * import { loadModel } from 'toolplan';
 *
 * const model = await loadModel('onnx-community/Qwen3.5-0.8B-ONNX-OPT', {
 *   dtype: 'q4',
 *   onProgress: (p) => p.status === 'progress' && console.log(p.file, p.progress.toFixed(0) + '%'),
 * });
 * console.log(model.device, model.reason); // "webgpu", "WebGPU adapter available"
 * ```
 * @throws {ModelFileNotFoundError} a required file is missing
 * @throws {DownloadError} / {IntegrityError} download failed or stayed corrupt
 * @throws {BackendError} no device could run the model ({UnsupportedOperatorError} when an operator
 *   has no kernel on the device: an explicit `device` is never swapped for another)
 * @throws {UnsupportedModelError} the graph is not a decoder this runtime drives
 */
export async function loadModel(model: string, options: LoadModelOptions = {}): Promise<Model> {
  const node = isNode();
  const source = resolveSource(model, { node, ...(options.revision ? { revision: options.revision } : {}), ...(options.hubHost ? { hubHost: options.hubHost } : {}) });
  const get: Fetch = async (file, optional = false, quiet = false, mayBeMissing = false) => {
    let found = false;
    const onProgress = quiet ? undefined : (e: ProgressInfo) => {
      if (e.status === 'initiate') found = true;
      options.onProgress?.(e);
    };
    const req: FileRequest = { source, file, name: model, onProgress, signal: options.signal, useCache: options.useCache, sha256: options.integrity?.[file], stallTimeoutMs: options.stallTimeoutMs, mayBeMissing };
    try {
      return await fetchModelFile(req);
    } catch (e) {
      if ((optional || mayBeMissing) && e instanceof ModelFileNotFoundError) return undefined;
      // Unreachable before it answered: nothing was shown for it, so the caller may try another file.
      if (mayBeMissing && !found && e instanceof DownloadError && !options.signal?.aborted) return undefined;
      throw e;
    }
  };
  const config = (await json<ModelConfig>(get, 'config.json'))!;
  // An onnxruntime-genai export (model builder) instead of the Transformers.js layout: probed only
  // when config.json says nothing of Transformers.js, and any failure means "not one" (a missing
  // optional file must not break offline reloads from the cache).
  const genai = config['transformers.js_config'] || options.graphs ? undefined : await probeGenai(get, options.signal);
  const generationConfig = (await json<Record<string, unknown>>(get, 'generation_config.json', true)) ?? (genai?.model?.eos_token_id !== undefined ? { eos_token_id: genai.model.eos_token_id } : {});
  const tokenizerJson = (await json<TokenizerJsonData>(get, 'tokenizer.json'))!;
  const tokenizerConfig = (await json<Record<string, unknown>>(get, 'tokenizer_config.json'))!;
  if (tokenizerConfig.chat_template === undefined) {
    // Newer transformers save the template beside the tokenizer config.
    const t = await get('chat_template.jinja', true, true).catch(() => undefined);
    if (t) tokenizerConfig.chat_template = new TextDecoder().decode(t);
  }
  const tokenizer = new TextTokenizer(tokenizerJson, tokenizerConfig);

  const names = genai ? { decoder: 'model' } : (options.graphs ?? graphNames(config));

  const ort = options.ort ?? (await loadOrt());
  if (options.wasmPaths && !node) ort.env.wasm.wasmPaths = options.wasmPaths;
  options.signal?.throwIfAborted();
  // The device is chosen before any graph is fetched, so that its dtype is the one downloaded; the
  // WebGPU probe checks shader-f16 against the dtype WebGPU would load.
  // A genai export's dtype is fixed by the export: q4 unless the caller says otherwise.
  const gpuDtype = genai ? (options.dtype ?? 'q4') : dtypeCandidates(config, names.decoder, options.dtype, 'webgpu')[0]!.dtype;
  let choice = await probeDevice(options.device ?? 'auto', needsShaderF16(gpuDtype), gpuDtype, isWebOrt(ort) && node);
  const paths = readsLocalPaths(ort, node);
  // Each graph in the first dtype its rules allow that the repo has (see dtype-choice.ts).
  const load = async (base: string): Promise<{ file: string; bytes: ModelBytes; picked: GraphDtype }> => {
    const candidates = dtypeCandidates(config, base, options.dtype, choice.device);
    for (const c of candidates) {
      const file = graphFile(base, c.dtype);
      const bytes = await graphBytesIfPresent(get, source, file, externalDataFiles(config, base, file), paths, false, c.ifPresent);
      if (bytes) return { file, bytes, picked: { base, dtype: c.dtype, rule: c.rule } };
    }
    throw new Error('unreachable: the last dtype candidate is never optional');
  };
  let decoderFile: string;
  let decoderBytes: ModelBytes;
  const picked: GraphDtype[] = [];
  if (genai) {
    // A genai export has model.onnx and, when the builder wrote one, its single model.onnx.data.
    decoderFile = genaiGraphFiles(genai).decoder;
    decoderBytes = await graphBytes(get, source, decoderFile, [genaiGraphFiles(genai).data], paths, true);
    picked.push({ base: names.decoder, dtype: gpuDtype, rule: 'default' });
  } else {
    const d = await load(names.decoder);
    ({ file: decoderFile, bytes: decoderBytes } = d);
    picked.push(d.picked);
  }
  const embed = names.embed && !genai ? await load(names.embed) : undefined;
  if (embed) picked.push(embed.picked);
  const embedFile = embed?.file;
  const embedBytes = embed?.bytes;
  const dtype = picked[0]!.dtype;
  const dtypeNote = describeDtypes(picked, choice.device);
  if (dtypeNote) choice = { ...choice, reason: `${choice.reason}; ${dtypeNote}` };
  options.signal?.throwIfAborted();

  let sessions: { decoder: InferenceSession; embed?: InferenceSession | EmbeddingSession | undefined };
  let embedNote = '';
  const createEmbed = async (device: Device): Promise<InferenceSession | EmbeddingSession | undefined> => {
    if (!embedBytes || !embedFile) return undefined;
    try {
      return await createSession(ort, embedBytes, device, embedFile);
    } catch (e) {
      // onnxruntime-web's wasm build lacks GatherBlockQuantized, the whole of a q4 -OPT embedding:
      // compute that lookup here rather than fail (or download the table again in another dtype).
      if (!(e instanceof UnsupportedOperatorError) || e.operator !== 'GatherBlockQuantized') throw e;
      // A path (a module that opens local files itself): read the graph (its table is inline in -OPT).
      const lookup =
        embedBytes.kind === 'bytes'
          ? QuantizedEmbedding.fromModel(ort, embedBytes.data, embedBytes.externalData)
          : QuantizedEmbedding.fromModel(ort, await readLocalFile(embedBytes.path));
      if (!lookup) throw e;
      embedNote = `; ${embedFile} (GatherBlockQuantized) is looked up in JavaScript: ${device} has no kernel for it`;
      return lookup;
    }
  };
  const create = async (device: Device) => {
    const decoder = await createSession(ort, decoderBytes, device, decoderFile);
    try {
      return { decoder, embed: await createEmbed(device) };
    } catch (e) {
      await decoder.release();
      throw e;
    }
  };
  const failure = (device: Device, e: unknown, before?: string): BackendError => {
    if (e instanceof UnsupportedOperatorError) {
      return before ? new UnsupportedOperatorError(e.operator, e.device, e.file, `tried after ${before}`, { cause: e }) : e;
    }
    const msg = e instanceof Error ? e.message : String(e);
    return new BackendError(`could not create a ${device} session${before ? ` after ${before}` : ''}: ${msg}`, { cause: e });
  };
  try {
    sessions = await create(choice.device);
  } catch (e) {
    if (choice.device !== 'webgpu' || options.device === 'webgpu') throw failure(choice.device, e);
    const msg = e instanceof Error ? e.message : String(e);
    // The graphs already fetched for WebGPU (q4, typically) stay: fetching q8 now would download
    // the model a second time (~1 GB more at the real size, and twice the cache) behind a progress
    // bar that had already reached its end, on a path that is rare (an adapter that passed the
    // probe, then failed). The reason says how to get the fast WASM dtype on the next load.
    const hint = !options.dtype && dtype !== 'q8' ? `; kept ${dtype} (already fetched): for faster WASM decoding load with { device: 'wasm' } (q8 when the repo has it)` : '';
    choice = { device: 'wasm', reason: `fell back to WASM: WebGPU session creation failed (${msg})${hint}` };
    try {
      sessions = await create('wasm');
    } catch (e2) {
      throw failure('wasm', e2, `WebGPU session creation failed (${msg})`);
    }
  }
  if (embedNote) choice = { ...choice, reason: choice.reason + embedNote };

  const maxLength = textField(config, 'max_position_embeddings') ?? genai?.model?.context_length;
  const lm = new CausalLM(ort, sessions, {
    ...(maxLength ? { maxLength } : {}),
    sampleOnDevice: choice.device === 'webgpu' && options.sampleOnDevice !== false,
  });
  if (choice.device === 'webgpu') watchDevice(ort, lm);
  const vocabSize = Number(textField(config, 'vocab_size') ?? genai?.model?.vocab_size ?? 0);
  if (!vocabSize) throw new UnsupportedModelError('config.json has no vocab_size');
  const snapshots = new SnapshotStore(options.snapshotBudgetBytes);
  options.onProgress?.({ status: 'ready', name: model, device: choice.device, reason: choice.reason });
  return {
    name: model,
    config,
    generationConfig,
    tokenizer,
    lm,
    device: choice.device,
    reason: choice.reason,
    dtype,
    eosTokenIds: eosOf(config, generationConfig),
    vocabSize,
    snapshots,
    async dispose() {
      snapshots.clear();
      await lm.dispose();
    },
  };
}
