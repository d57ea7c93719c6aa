/**
 * Reading a GPU tensor back to the CPU. In browsers, `tensor.getData()`. onnxruntime-node 1.30's
 * WebGPU tensors abort the process on `getData()` (an uncaught native exception, seen here on
 * Dawn + SwiftShader), so in Node an Identity graph on the same device, with its output on the
 * CPU, copies the tensor instead.
 */
import type { Tensor } from 'onnxruntime-common';
import { isNode, type OrtModule } from './ort.ts';
import { ONNX_TYPE, writeOnnx, type OnnxType } from './onnx-writer.ts';
import { UnsupportedModelError } from './errors.ts';
import { GraphSessions } from './graph-sessions.ts';

const TYPES: Partial<Record<Tensor.Type, OnnxType>> = { float32: ONNX_TYPE.float, float16: ONNX_TYPE.float16, int32: ONNX_TYPE.int32, int64: ONNX_TYPE.int64 };

export class TensorDownloader {
  private readonly copies: GraphSessions;

  constructor(ort: OrtModule) {
    this.copies = new GraphSessions(ort, 'webgpu');
  }

  /** The data of `t` on the CPU; with `release`, `t`'s GPU buffer is freed. */
  async read(t: Tensor, release: boolean): Promise<Tensor.DataType> {
    if (t.location === 'cpu') return t.data;
    if (!isNode()) return t.getData(release);
    const type = TYPES[t.type];
    if (type === undefined) throw new UnsupportedModelError(`cannot read back a ${t.type} tensor`);
    const session = await this.copies.get(`${t.type}:${t.dims.length}`, () => {
      const dims = t.dims.map((_, i) => `d${i}`);
      return writeOnnx({ nodes: [{ op: 'Identity', inputs: ['x'], outputs: ['y'] }], initializers: [], inputs: [{ name: 'x', type, dims }], outputs: [{ name: 'y', type, dims }] });
    });
    const out = await session.run({ x: t });
    if (release) t.dispose();
    return out.y!.data;
  }

  release(): Promise<void> {
    return this.copies.release();
  }
}
