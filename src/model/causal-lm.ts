/**
 * A causal LM over raw onnxruntime sessions with its cache kept between calls: `forward(tokens)`
 * feeds any number of new tokens (a prompt, one sampled token, or a whole forced run) in one
 * `session.run` and returns the last position's logits. Works the same on onnxruntime-node,
 * onnxruntime-web wasm and webgpu; on WebGPU the cache stays in GPU buffers between steps.
 */
import type { InferenceSession, Tensor } from 'onnxruntime-common';
import { cacheLayout, emptyCache, type CacheSlot } from './cache-layout.ts';
import { ContextOverflowError, DeviceLostError, DisposedError, noAllowedToken, NonFiniteLogitsError, UnsupportedModelError } from './errors.ts';
import type { EmbeddingSession } from './embedding-lookup.ts';
import { DeviceSampler } from './device-sampler.ts';
import { TensorDownloader } from './tensor-download.ts';
import type { Sampler } from './sampler.ts';
import { toFloat32 } from './half.ts';
import { now } from '../shared/clock.ts';
import type { OrtModule } from './ort.ts';

/**
 * The sessions of one model: the decoder, plus an embedding session for `inputs_embeds` exports
 * (an onnxruntime session, or the JavaScript lookup where the backend lacks the embedding's kernel).
 */
export interface LMSessions {
  decoder: InferenceSession;
  embed?: InferenceSession | EmbeddingSession | undefined;
}

/** A saved cache: restore it to continue from the same prefix without recomputing it. */
export interface CacheSnapshot {
  /** Tokens the cache covers, in order. */
  readonly tokens: readonly number[];
  /** Bytes held. */
  readonly bytes: number;
  /** Logits after the last token, when saved with the snapshot. */
  readonly logits?: Float32Array | undefined;
  readonly tensors: ReadonlyMap<string, { type: Tensor.Type; dims: readonly number[]; data: Tensor.DataType }>;
}

export interface CausalLMOptions {
  /** Context window (tokens); `forward` refuses to go past it. */
  maxLength?: number;
  /**
   * Sample on the decoder's device (WebGPU): `forwardKept` leaves the logits in their GPU buffer
   * and `sampleKept` reads back the chosen id, not the row. Only for sessions whose outputs stay on
   * the GPU (`preferredOutputLocation: 'gpu-buffer'`).
   */
  sampleOnDevice?: boolean;
}

/**
 * Logits left where the decoder wrote them (see `CausalLM.forwardKept`): hand them to
 * `sampleKept` (which frees them) or `readKept`, or free them with `releaseKept`.
 */
export class KeptLogits {
  /** @internal */
  constructor(
    readonly tensor: Tensor,
    /** Tokens in the cache after the pass that made them. */
    readonly position: number,
  ) {}
  /** @internal */
  released = false;
}

const DEVICE_LOST = /device (is |was )?lost|lost device|GPUDevice.*(destroyed|lost)/i;

function int64(ort: OrtModule, values: ArrayLike<number>, dims: readonly number[]): Tensor {
  const data = new BigInt64Array(values.length);
  for (let i = 0; i < values.length; i++) data[i] = BigInt(values[i]!);
  return new ort.Tensor('int64', data, dims);
}

export class CausalLM {
  readonly slots: readonly CacheSlot[];
  readonly maxLength: number;
  private readonly inputs: Map<string, InferenceSession.ValueMetadata>;
  /** Width of the logits, once a pass has shown it. */
  private vocab = 0;
  private cache: Record<string, Tensor>;
  private consumed: number[] = [];
  private busy = false;
  private disposed = false;
  private readonly spent = { passMs: 0, readbackMs: 0, deviceSampleMs: 0 };
  private lost: string | undefined;
  private readonly deviceSampler: DeviceSampler | undefined;
  private readonly downloader: TensorDownloader;

  constructor(
    private readonly ort: OrtModule,
    /** The raw sessions, for reference loops and benchmarks. */
    readonly sessions: LMSessions,
    options: CausalLMOptions = {},
  ) {
    const d = sessions.decoder;
    this.inputs = new Map(d.inputMetadata.map((m) => [m.name, m]));
    if (!d.outputNames.includes('logits')) throw new UnsupportedModelError('the decoder has no "logits" output');
    if (!this.inputs.has('input_ids') && !this.inputs.has('inputs_embeds')) {
      throw new UnsupportedModelError('the decoder takes neither input_ids nor inputs_embeds');
    }
    if (this.inputs.has('inputs_embeds') && !this.inputs.has('input_ids') && !sessions.embed) {
      throw new UnsupportedModelError('the decoder takes inputs_embeds but no embed_tokens session was given');
    }
    this.slots = cacheLayout(d);
    this.maxLength = options.maxLength ?? Infinity;
    this.cache = emptyCache(ort, this.slots);
    this.deviceSampler = options.sampleOnDevice ? new DeviceSampler(ort, 'webgpu') : undefined;
    this.downloader = new TensorDownloader(ort);
  }

  /** True when `forwardKept` / `sampleKept` sample on the device (see CausalLMOptions). */
  get samplesOnDevice(): boolean {
    return this.deviceSampler !== undefined;
  }

  /** Tokens the cache holds. */
  get length(): number {
    return this.consumed.length;
  }

  /** The tokens the cache holds, in order. */
  get tokens(): readonly number[] {
    return this.consumed;
  }

  /**
   * Milliseconds spent so far in forward passes (embedding and decoder runs, cache hand-over,
   * logits read-back included) and, of those, in reading back and checking the logits row; and in
   * sampling on the device (`sampleKept`: the sampling graph's run and the read-back of its choice,
   * which waits for the decoder's GPU work to finish).
   */
  get timings(): { readonly passMs: number; readonly readbackMs: number; readonly deviceSampleMs: number } {
    return { ...this.spent };
  }

  /** Marks the GPU device lost: the next call fails with DeviceLostError instead of hanging. */
  markDeviceLost(reason: string): void {
    this.lost = reason;
  }

  private feedsFor(tokens: readonly number[], embeds: Tensor | undefined): Record<string, Tensor> {
    const ort = this.ort;
    const S = tokens.length;
    const past = this.consumed.length;
    const feeds: Record<string, Tensor> = { ...this.cache };
    if (embeds) feeds.inputs_embeds = embeds;
    else feeds.input_ids = int64(ort, tokens, [1, S]);
    if (this.inputs.has('attention_mask')) feeds.attention_mask = int64(ort, new Array(past + S).fill(1), [1, past + S]);
    const pos = this.inputs.get('position_ids');
    if (pos) {
      // Position = tokens consumed (HF's behaviour), on all three MRoPE planes for text.
      const p = Array.from({ length: S }, (_, i) => past + i);
      const planes = pos.isTensor && pos.shape.length === 3 ? 3 : 1;
      feeds.position_ids = int64(ort, planes === 3 ? [...p, ...p, ...p] : p, planes === 3 ? [3, 1, S] : [1, S]);
    }
    const keep = this.inputs.get('num_logits_to_keep');
    if (keep) feeds.num_logits_to_keep = int64(ort, [1], keep.isTensor && keep.shape.length === 1 ? [1] : []);
    if (this.inputs.has('use_cache_branch')) {
      feeds.use_cache_branch = new ort.Tensor('bool', new Uint8Array([past > 0 ? 1 : 0]), [1]);
    }
    return feeds;
  }

  private run(session: InferenceSession | EmbeddingSession, feeds: Record<string, Tensor>): Promise<InferenceSession.ReturnType> {
    return this.guard(() => session.run(feeds));
  }

  /** Runs `work`, turning a lost device's failure into DeviceLostError. */
  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      if (this.lost || DEVICE_LOST.test(msg)) throw new DeviceLostError(this.lost ?? msg);
      throw e;
    }
  }

  /**
   * Feeds `tokens` after what the cache holds; returns the logits of the last new position (a fresh
   * Float32Array of the vocabulary's width). One forward pass, except on a graph that computes
   * logits for every position (no `num_logits_to_keep`, the Qwen3 / Qwen2.5 layout): there a long
   * run goes in chunks, so memory does not grow with the run's length times the vocabulary.
   */
  async forward(tokens: readonly number[]): Promise<Float32Array> {
    return (await this.forwardAny(tokens, false)) as Float32Array;
  }

  /**
   * `forward`, leaving the last logits on the device instead of reading them back (with
   * `sampleOnDevice`; otherwise they are read back and kept on the CPU).
   *
   * @example
   * ```ts
   * import { loadModel, Sampler } from 'toolplan';
   *
   * const model = await loadModel('onnx-community/Qwen3.5-0.8B-ONNX-OPT', { device: 'webgpu' });
   * const sampler = new Sampler({ temperature: 0.7, seed: 1 });
   * let kept = await model.lm.forwardKept(model.tokenizer.encode('Hello'));
   * for (let i = 0; i < 8; i++) {
   *   const id = await model.lm.sampleKept(kept, undefined, sampler); // one id read back, not the row
   *   kept = await model.lm.forwardKept([id]);
   * }
   * model.lm.releaseKept(kept);
   * ```
   */
  async forwardKept(tokens: readonly number[]): Promise<KeptLogits> {
    const t = (await this.forwardAny(tokens, this.samplesOnDevice)) as Float32Array | Tensor;
    return new KeptLogits(t instanceof Float32Array ? new this.ort.Tensor('float32', t, [1, t.length]) : t, this.consumed.length);
  }

  /**
   * A token from `kept` under `mask`, chosen as `sampler.sample` would on the CPU: on the device
   * when the sampler allows it (greedy, or temperature without top-k / top-p), else on the read-back
   * row. Frees `kept`.
   * @throws {NonFiniteLogitsError} the row holds NaN or +Infinity
   * @throws {NoAllowedTokenError} the mask allows no token with a finite logit
   */
  async sampleKept(kept: KeptLogits, mask: Uint32Array | undefined, sampler: Sampler): Promise<number> {
    if (kept.released) throw new Error('these logits were already sampled or released');
    try {
      if (!this.deviceSampler || !sampler.deviceMode || kept.tensor.location === 'cpu') return sampler.sample(await this.readKept(kept), mask);
      const t0 = now();
      let c;
      try {
        const sampler_ = this.deviceSampler;
        c = await this.guard(() => sampler_.choose(kept.tensor, mask, sampler));
      } finally {
        this.spent.deviceSampleMs += now() - t0;
      }
      if (c.bad > 0) throw new NonFiniteLogitsError(kept.position, c.bad);
      if (!(c.best > -Infinity)) throw noAllowedToken(mask, kept.tensor.dims[kept.tensor.dims.length - 1]!);
      const id = c.id;
      if (Number.isInteger(id) && id >= 0 && id < kept.tensor.dims[kept.tensor.dims.length - 1]! && (!mask || (mask[id >>> 5]! & (1 << (id & 31))) !== 0)) return id;
      // float32 sums on the device put the draw past the last allowed id (u close to 1): the CPU
      // sampler decides, with the same draw.
      const row = await this.readKept(kept);
      return sampler.sampleWith(row, mask, () => c.u ?? 0.5);
    } finally {
      this.releaseKept(kept);
    }
  }

  /** The last row of `kept` on the CPU (read back from the GPU when there), checked finite. */
  async readKept(kept: KeptLogits): Promise<Float32Array> {
    const r0 = now();
    const row = await lastRow(kept.tensor, this.downloader);
    const bad = nonFinite(row);
    this.spent.readbackMs += now() - r0;
    if (bad > 0) throw new NonFiniteLogitsError(kept.position, bad);
    return row;
  }

  /** Frees `kept` (idempotent). */
  releaseKept(kept: KeptLogits): void {
    if (kept.released) return;
    kept.released = true;
    dispose(kept.tensor);
  }

  private async forwardAny(tokens: readonly number[], keep: boolean): Promise<Float32Array | Tensor> {
    if (this.disposed) throw new DisposedError();
    if (this.lost) throw new DeviceLostError(this.lost);
    if (tokens.length === 0) throw new RangeError('forward needs at least one token');
    if (this.busy) throw new Error('CausalLM.forward called while a forward pass is running');
    if (this.consumed.length + tokens.length > this.maxLength) {
      throw new ContextOverflowError(this.consumed.length + tokens.length, this.maxLength);
    }
    this.busy = true;
    try {
      if (this.inputs.has('num_logits_to_keep')) return await this.pass(tokens, keep);
      let row: Float32Array | Tensor | undefined;
      for (let at = 0; at < tokens.length; ) {
        // Until the first pass tells the vocabulary's width, a small chunk.
        const n = this.vocab ? Math.max(1, Math.floor(LOGITS_CHUNK_BYTES / (this.vocab * 4))) : FIRST_CHUNK;
        if (row && !(row instanceof Float32Array)) dispose(row);
        row = await this.pass(tokens.slice(at, at + n), keep);
        at += n;
      }
      return row!;
    } finally {
      this.busy = false;
    }
  }

  /** One forward pass over `tokens`: the last row read back, or with `keep` the logits tensor as it lies. */
  private async pass(tokens: readonly number[], keep: boolean): Promise<Float32Array | Tensor> {
    const t0 = now();
    try {
      return await this.timedPass(tokens, keep);
    } finally {
      this.spent.passMs += now() - t0;
    }
  }

  private async timedPass(tokens: readonly number[], keep: boolean): Promise<Float32Array | Tensor> {
    let embeds: Tensor | undefined;
    if (this.sessions.embed && this.inputs.has('inputs_embeds')) {
      const e = await this.run(this.sessions.embed, { input_ids: int64(this.ort, tokens, [1, tokens.length]) });
      embeds = e.inputs_embeds ?? Object.values(e)[0];
    }
    const out = await this.run(this.sessions.decoder, this.feedsFor(tokens, embeds)).finally(() => {
      if (embeds) dispose(embeds);
    });
    const next: Record<string, Tensor> = {};
    for (const s of this.slots) next[s.past] = out[s.present]!;
    // The consumed inputs can go now that the run which read them is over.
    this.release(this.cache);
    this.cache = next;
    for (const t of tokens) this.consumed.push(t);
    const logits = out.logits!;
    for (const [name, t] of Object.entries(out)) if (name !== 'logits' && !name.startsWith('present')) dispose(t);
    if (keep) {
      this.vocab = logits.dims[logits.dims.length - 1]!;
      return logits;
    }
    const r0 = now();
    const row = await lastRow(logits, this.downloader);
    this.vocab = row.length;
    const bad = nonFinite(row);
    this.spent.readbackMs += now() - r0;
    dispose(logits);
    if (bad > 0) throw new NonFiniteLogitsError(this.consumed.length, bad);
    return row;
  }

  /** Empties the cache (back to zero tokens). */
  reset(): void {
    this.release(this.cache);
    this.cache = emptyCache(this.ort, this.slots);
    this.consumed = [];
  }

  /** Copies the whole cache (to the CPU) so `restore` can continue from here later. */
  async snapshot(): Promise<CacheSnapshot> {
    if (this.disposed) throw new DisposedError();
    const tensors = new Map<string, { type: Tensor.Type; dims: readonly number[]; data: Tensor.DataType }>();
    let bytes = 0;
    for (const s of this.slots) {
      const t = this.cache[s.past]!;
      // CPU outputs are never written again by onnxruntime, so they can be shared; GPU ones are downloaded.
      const data = await this.downloader.read(t, false);
      tensors.set(s.past, { type: t.type, dims: [...t.dims], data });
      bytes += (data as ArrayLike<number> & { byteLength: number }).byteLength;
    }
    return { tokens: [...this.consumed], bytes, tensors };
  }

  /** Makes the cache that of `snap` (the snapshot itself stays valid for further restores). */
  restore(snap: CacheSnapshot): void {
    if (this.disposed) throw new DisposedError();
    const next: Record<string, Tensor> = {};
    for (const s of this.slots) {
      const t = snap.tensors.get(s.past);
      if (!t) throw new UnsupportedModelError(`snapshot lacks ${s.past}`);
      next[s.past] = new this.ort.Tensor(t.type as 'float32', t.data as Float32Array, t.dims);
    }
    this.release(this.cache);
    this.cache = next;
    this.consumed = [...snap.tokens];
  }

  private release(cache: Record<string, Tensor>): void {
    for (const t of Object.values(cache)) if (t.location !== 'cpu') dispose(t);
  }

  /** Frees GPU buffers and the sessions. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.release(this.cache);
    this.cache = {};
    await this.sessions.decoder.release();
    await this.sessions.embed?.release();
    await this.deviceSampler?.release();
    await this.downloader.release();
  }
}

function dispose(t: Tensor): void {
  if (t.location !== 'cpu') t.dispose();
}

/** Most bytes of all-position logits one pass may produce (a chunk of 110 tokens at 152k logits). */
const LOGITS_CHUNK_BYTES = 64 * 2 ** 20;
const FIRST_CHUNK = 64;

/**
 * How many logits are NaN or +Infinity (-Infinity is a legitimate "never"). One multiply-add a
 * logit on the common path: any NaN or infinity turns the sum into NaN.
 */
function nonFinite(row: Float32Array): number {
  // Four independent sums: one chain of dependent adds ran at a quarter of the speed (0.42 vs
  // 0.17 ms at 152k logits here), and on onnxruntime-node every step waits for this.
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  const n = row.length & ~3;
  for (let i = 0; i < n; i += 4) {
    a += row[i]! * 0;
    b += row[i + 1]! * 0;
    c += row[i + 2]! * 0;
    d += row[i + 3]! * 0;
  }
  for (let i = n; i < row.length; i++) a += row[i]! * 0;
  if (a + b + c + d === 0) return 0;
  let bad = 0;
  for (let i = 0; i < row.length; i++) if (row[i]! !== row[i]! || row[i] === Infinity) bad++;
  return bad;
}

/** The last row of `logits`; a view when the tensor holds only that row (fresh per pass), else a copy. */
async function lastRow(logits: Tensor, downloader: TensorDownloader): Promise<Float32Array> {
  const dims = logits.dims;
  const vocab = dims[dims.length - 1]!;
  const rows = logits.size / vocab;
  // getData(true) frees the GPU buffer: after a plain getData() the tensor reports location 'cpu'
  // and dispose() would skip it, leaking one logits buffer per step.
  const data = (await downloader.read(logits, true)) as ArrayLike<number> & {
    subarray(a: number, b: number): ArrayLike<number>;
  };
  const row = data.subarray((rows - 1) * vocab, rows * vocab);
  // A copy frees the other rows (a 64 MB prefill chunk on Qwen3) when the row is kept (snapshots).
  if (logits.type === 'float32') return rows === 1 ? (row as Float32Array) : (row as Float32Array).slice();
  // onnxruntime-web gives a Float16Array where the platform has one, else raw Uint16 bits.
  if (logits.type === 'float16') return toFloat32(row, row instanceof Uint16Array);
  throw new UnsupportedModelError(`unsupported logits dtype ${logits.type}`);
}
