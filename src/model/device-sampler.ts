/**
 * Sampling where the logits are: the sampling graph (sample-graph.ts) run in its own session on
 * the decoder's device, fed the decoder's `logits` output as it lies (a GPU buffer on WebGPU) and
 * the constraint's bitmask, so a step reads back three floats instead of a 1 MB row.
 */
import type { InferenceSession, Tensor } from 'onnxruntime-common';
import type { OrtModule } from './ort.ts';
import type { Sampler } from './sampler.ts';
import { sampleGraph, type LogitsType, type SampleMode } from './sample-graph.ts';
import { UnsupportedModelError } from './errors.ts';
import { GraphSessions } from './graph-sessions.ts';

/** What the sampling graph found in one row. */
export interface DeviceChoice {
  /** The chosen id (trust it only when `best` is finite and `bad` is 0). */
  id: number;
  /** The largest allowed logit (−Infinity: no token allowed). */
  best: number;
  /** NaN / +Infinity logits in the row. */
  bad: number;
  /** The uniform draw used (`sample` mode with more than one allowed id). */
  u?: number;
}

function popcount(mask: Uint32Array): number {
  let n = 0;
  for (let w = 0; w < mask.length; w++) {
    let v = mask[w]!;
    v -= (v >>> 1) & 0x55555555;
    v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
    n += (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
  }
  return n;
}

export class DeviceSampler {
  private readonly sessions: GraphSessions;
  private halves: Float32Array | undefined;
  private allOnes: Uint32Array | undefined;

  constructor(
    private readonly ort: OrtModule,
    device: 'webgpu',
  ) {
    this.sessions = new GraphSessions(ort, device);
  }

  private session(mode: SampleMode, vocab: number, type: LogitsType, rank: 2 | 3): Promise<InferenceSession> {
    return this.sessions.get(`${mode}:${vocab}:${type}:${rank}`, () => sampleGraph(vocab, type, mode, rank));
  }

  /** The mask as the graph's 16-bit halves (all ids when `mask` is absent). */
  private halvesOf(mask: Uint32Array | undefined, vocab: number): Float32Array {
    const m = mask ?? (this.allOnes ??= allowAll(vocab));
    const h = this.halves?.length === 2 * m.length ? this.halves : (this.halves = new Float32Array(2 * m.length));
    for (let w = 0; w < m.length; w++) {
      const v = m[w]!;
      h[2 * w] = v & 0xffff;
      h[2 * w + 1] = v >>> 16;
    }
    return h;
  }

  /**
   * Chooses a token from the last row of `logits` under `mask`, as `sampler` would on the CPU
   * (`sampler.deviceMode` must be defined). `logits` is not disposed.
   */
  async choose(logits: Tensor, mask: Uint32Array | undefined, sampler: Sampler): Promise<DeviceChoice> {
    const mode = sampler.deviceMode;
    if (!mode) throw new RangeError('top-k / top-p sampling needs the logits row on the CPU');
    const dims = logits.dims;
    const vocab = dims[dims.length - 1]!;
    if (logits.type !== 'float32' && logits.type !== 'float16') throw new UnsupportedModelError(`unsupported logits dtype ${logits.type}`);
    if (dims.length !== 2 && dims.length !== 3) throw new UnsupportedModelError(`logits of rank ${dims.length}`);
    const session = await this.session(mode, vocab, logits.type, dims.length);
    const h = this.halvesOf(mask, vocab);
    const feeds: Record<string, Tensor> = { logits, mask: new this.ort.Tensor('float32', h, [h.length]) };
    let u: number | undefined;
    if (mode === 'sample') {
      // The CPU sampler draws only when it has a choice: so must we, to stay on its sequence.
      if ((mask ? popcount(mask) : vocab) > 1) u = sampler.uniform();
      feeds.params = new this.ort.Tensor('float32', Float32Array.of(1 / sampler.temperature, u ?? 0), [2]);
    }
    const out = await session.run(feeds);
    const c = out.choice!.data as Float32Array;
    return { id: c[0]!, best: c[1]!, bad: c[2]!, ...(u === undefined ? {} : { u }) };
  }

  release(): Promise<void> {
    return this.sessions.release();
  }
}

function allowAll(vocab: number): Uint32Array {
  const m = new Uint32Array(Math.ceil(vocab / 32)).fill(0xffffffff);
  if (vocab % 32) m[m.length - 1] = (2 ** (vocab % 32) - 1) >>> 0;
  return m;
}
