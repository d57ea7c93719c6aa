/**
 * Reading a GPU tensor back to the CPU. In browsers, `tensor.getData()`. onnxruntime-node 1.30's
 * WebGPU tensors abort the process on `getData()` (an uncaught native exception, seen here on
 * Dawn + SwiftShader), so in Node an Identity graph on the same device, with its output on the
 * CPU, copies the tensor instead.
 */
import type { InferenceSession, Tensor } from 'onnxruntime-common';
import { isNode, type OrtModule } from './ort.ts';
import { ONNX_TYPE, writeOnnx, type OnnxType } from './onnx-writer.ts';
import { UnsupportedModelError } from './errors.ts';

const TYPES: Partial<Record<Tensor.Type, OnnxType>> = { float32: ONNX_TYPE.float, float16: ONNX_TYPE.float16, int32: ONNX_TYPE.int32, int64: ONNX_TYPE.int64 };

export class TensorDownloader {
  private readonly copies = new Map<string, Promise<InferenceSession>>();

  constructor(private readonly ort: OrtModule) {}

  /** The data of `t` on the CPU; with `release`, `t`'s GPU buffer is freed. */
  async read(t: Tensor, release: boolean): Promise<Tensor.DataType> {
    if (t.location === 'cpu') return t.data;
    if (!isNode()) return t.getData(release);
    const type = TYPES[t.type];
    if (type === undefined) throw new UnsupportedModelError(`cannot read back a ${t.type} tensor`);
    const key = `${t.type}:${t.dims.length}`;
    let s = this.copies.get(key);
    if (!s) {
      const dims = t.dims.map((_, i) => `d${i}`);
      const graph = writeOnnx({
        nodes: [{ op: 'Identity', inputs: ['x'], outputs: ['y'] }],
        initializers: [],
        inputs: [{ name: 'x', type, dims }],
        outputs: [{ name: 'y', type, dims }],
      });
      s = this.ort.InferenceSession.create(graph, { executionProviders: ['webgpu'] });
      s.catch(() => this.copies.delete(key));
      this.copies.set(key, s);
    }
    const out = await (await s).run({ x: t });
    if (release) t.dispose();
    return out.y!.data;
  }

  async release(): Promise<void> {
    const all = [...this.copies.values()];
    this.copies.clear();
    for (const s of all) await s.then((x) => x.release(), () => undefined);
  }
}
