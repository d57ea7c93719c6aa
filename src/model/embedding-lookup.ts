/**
 * The embedding of a q4 export computed in JavaScript, for backends without a kernel for its one
 * operator: onnxruntime-web's wasm build has no `GatherBlockQuantized`, which the -OPT exports'
 * `embed_tokens_q4.onnx` is made of. A lookup is one row of 4-bit blocks per token, so doing it here
 * costs microseconds, and it spares a second, larger download of the table in another dtype.
 * Same math as onnxruntime's kernel: value = (nibble − zero point) · scale, low nibble first.
 */
import type { Tensor } from 'onnxruntime-common';
import type { OrtModule } from './ort.ts';
import { readOnnxGraph, type OnnxTensor } from './onnx-reader.ts';

/** What CausalLM needs of an embedding session. */
export interface EmbeddingSession {
  readonly inputNames: readonly string[];
  run(feeds: Record<string, Tensor>): Promise<Record<string, Tensor>>;
  release(): Promise<void>;
}

const FLOAT = 1;
const UINT8 = 2;

export class QuantizedEmbedding implements EmbeddingSession {
  readonly inputNames = ['input_ids'];
  private readonly blocks: number;
  private readonly zpPerRow: number;

  private constructor(
    private readonly ort: OrtModule,
    private readonly data: Uint8Array,
    private readonly scales: Float32Array,
    private readonly zeroPoints: Uint8Array | undefined,
    readonly vocab: number,
    readonly hidden: number,
    private readonly blockSize: number,
    private readonly output: string,
  ) {
    this.blocks = Math.ceil(hidden / blockSize);
    this.zpPerRow = Math.ceil(this.blocks / 2);
  }

  /**
   * A lookup for a graph that is exactly one GatherBlockQuantized over a 4-bit uint8 table
   * (gather axis 0, blocks along the hidden axis, float32 scales); undefined for anything else.
   */
  static fromModel(ort: OrtModule, model: Uint8Array, external: readonly { path: string; data: Uint8Array }[] = []): QuantizedEmbedding | undefined {
    const g = readOnnxGraph(model, external);
    if (g.nodes.length !== 1) return undefined;
    const n = g.nodes[0]!;
    if (n.opType !== 'GatherBlockQuantized' || n.inputs[1] !== 'input_ids' || n.outputs.length !== 1) return undefined;
    const a = (k: string, d: number) => n.attributes.get(k) ?? d;
    const data = g.initializers.get(n.inputs[0]!);
    const scales = g.initializers.get(n.inputs[2] ?? '');
    const zp: OnnxTensor | undefined = n.inputs[3] ? g.initializers.get(n.inputs[3]) : undefined;
    if (!data || !scales || data.dataType !== UINT8 || scales.dataType !== FLOAT || data.dims.length !== 2) return undefined;
    if (a('bits', 4) !== 4 || a('gather_axis', 0) !== 0 || ![1, -1].includes(a('quantize_axis', 1))) return undefined;
    if (n.inputs[3] && (!zp || zp.dataType !== UINT8)) return undefined;
    const [vocab, half] = data.dims as [number, number];
    const blockSize = a('block_size', 128);
    const hidden = half * 2;
    const sb = scales.bytes;
    // A view where aligned; otherwise a copy (Node Buffers from a file can sit at any offset).
    const f32 = sb.byteOffset % 4 === 0 ? new Float32Array(sb.buffer, sb.byteOffset, sb.byteLength / 4) : new Float32Array(new Uint8Array(sb).buffer);
    if (f32.length !== vocab * Math.ceil(hidden / blockSize)) return undefined;
    return new QuantizedEmbedding(ort, data.bytes, f32, zp?.bytes, vocab, hidden, blockSize, n.outputs[0]!);
  }

  /** input_ids int64 [B, S] → [B, S, hidden] float32. */
  run(feeds: Record<string, Tensor>): Promise<Record<string, Tensor>> {
    const ids = feeds.input_ids!;
    const n = ids.size;
    const out = new Float32Array(n * this.hidden);
    const src = ids.data as BigInt64Array;
    const { hidden, blockSize, blocks, zpPerRow, data, scales, zeroPoints } = this;
    for (let t = 0; t < n; t++) {
      const id = Number(src[t]);
      if (!(id >= 0 && id < this.vocab)) return Promise.reject(new RangeError(`token id ${id} is outside the embedding's ${this.vocab} rows`));
      const row = id * (hidden / 2);
      const base = t * hidden;
      for (let b = 0; b < blocks; b++) {
        const scale = scales[id * blocks + b]!;
        const zb = zeroPoints ? zeroPoints[id * zpPerRow + (b >> 1)]! : 0x88;
        const zero = b % 2 === 0 ? zb & 15 : zb >> 4;
        const end = Math.min(hidden, (b + 1) * blockSize);
        for (let i = b * blockSize; i < end; i++) {
          const byte = data[row + (i >> 1)]!;
          const q = i % 2 === 0 ? byte & 15 : byte >> 4;
          out[base + i] = (q - zero) * scale;
        }
      }
    }
    return Promise.resolve({ [this.output]: new this.ort.Tensor('float32', out, [...ids.dims, hidden]) });
  }

  release(): Promise<void> {
    return Promise.resolve();
  }
}
