/**
 * A small ONNX graph builder on top of onnx-proto's protobuf classes: named inputs/outputs,
 * initializers stored as raw bytes, nodes with typed attributes, and nested graphs (Scan bodies).
 */
import onnxProto from 'onnx-proto';
import { quantizeQ4, quantizeQ4Asym } from './q4.ts';
import { quantizeU8 } from './q8.ts';

const { onnx } = onnxProto;
type DataType = onnxProto.onnx.TensorProto.DataType;
export const DT = onnx.TensorProto.DataType;

export type Dim = number | string;
export type AttrValue =
  | { kind: 'int'; value: number }
  | { kind: 'ints'; value: number[] }
  | { kind: 'float'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'graph'; value: onnxProto.onnx.IGraphProto };

export const attr = {
  int: (value: number): AttrValue => ({ kind: 'int', value }),
  ints: (value: number[]): AttrValue => ({ kind: 'ints', value }),
  float: (value: number): AttrValue => ({ kind: 'float', value }),
  string: (value: string): AttrValue => ({ kind: 'string', value }),
  graph: (value: onnxProto.onnx.IGraphProto): AttrValue => ({ kind: 'graph', value }),
};

/**
 * fp32 MatMul; q4: symmetric 4-bit blocks (implicit zero point 8); q4-asym: with zero points (-OPT);
 * q8: `quantize_dynamic`'s per-tensor uint8 (DynamicQuantizeLinear + MatMulInteger / ConvInteger).
 */
export type Quant = 'fp32' | 'q4' | 'q4-asym' | 'q8';

function valueInfo(name: string, elemType: DataType, dims: Dim[] | null): onnxProto.onnx.IValueInfoProto {
  const tensorType: onnxProto.onnx.TypeProto.ITensor = { elemType };
  if (dims !== null) {
    tensorType.shape = {
      dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })),
    };
  }
  return { name, type: { tensorType } };
}

function bytesOf(data: Float32Array | BigInt64Array | Uint8Array | Int32Array): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** Shared name counter so nested graphs never clash with their parent. */
class Names {
  private n = 0;
  fresh(prefix: string): string {
    return `${prefix}_${this.n++}`;
  }
}

export class GraphBuilder {
  readonly nodes: onnxProto.onnx.INodeProto[] = [];
  readonly inputs: onnxProto.onnx.IValueInfoProto[] = [];
  readonly outputs: onnxProto.onnx.IValueInfoProto[] = [];
  readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  private readonly constCache = new Map<string, string>();
  /** q8: one DynamicQuantizeLinear per activation, shared by its consumers (as the quantizer does). */
  private readonly dynamicQuant = new Map<string, [string, string, string]>();

  constructor(
    readonly quant: Quant = 'fp32',
    private readonly names: Names = new Names(),
  ) {}

  /** A builder for a subgraph (e.g. a Scan body) sharing this builder's name space. */
  sub(): GraphBuilder {
    return new GraphBuilder(this.quant, this.names);
  }

  fresh(prefix: string): string {
    return this.names.fresh(prefix);
  }

  input(name: string, elemType: DataType, dims: Dim[] | null): string {
    this.inputs.push(valueInfo(name, elemType, dims));
    return name;
  }

  output(name: string, elemType: DataType, dims: Dim[] | null): string {
    this.outputs.push(valueInfo(name, elemType, dims));
    return name;
  }

  init(
    name: string,
    data: Float32Array | BigInt64Array | Uint8Array | Int32Array,
    dims: number[],
    dataType: DataType,
  ): string {
    this.initializers.push({ name, dims, dataType, rawData: bytesOf(data) });
    return name;
  }

  f32(name: string, data: Float32Array, dims: number[]): string {
    return this.init(name, data, dims, DT.FLOAT);
  }

  /** An int64 constant, shared by value. */
  i64(values: number[], dims: number[] = [values.length]): string {
    const key = `i64:${dims.join('x')}:${values.join(',')}`;
    const hit = this.constCache.get(key);
    if (hit) return hit;
    const name = this.init(this.fresh('const_i64'), BigInt64Array.from(values.map(BigInt)), dims, DT.INT64);
    this.constCache.set(key, name);
    return name;
  }

  /** A float32 scalar (rank 0) constant, shared by value. */
  scalar(value: number): string {
    const key = `f32:${value}`;
    const hit = this.constCache.get(key);
    if (hit) return hit;
    const name = this.init(this.fresh('const_f32'), Float32Array.of(value), [], DT.FLOAT);
    this.constCache.set(key, name);
    return name;
  }

  /** Adds a node; returns its output names (fresh unless given). */
  node(
    opType: string,
    inputs: string[],
    outputs: number | string[] = 1,
    attrs: Record<string, AttrValue> = {},
    domain = '',
  ): string[] {
    const outs =
      typeof outputs === 'number'
        ? Array.from({ length: outputs }, () => this.fresh(opType.toLowerCase()))
        : outputs;
    const attribute: onnxProto.onnx.IAttributeProto[] = Object.entries(attrs).map(([name, a]) => {
      const T = onnx.AttributeProto.AttributeType;
      switch (a.kind) {
        case 'int':
          return { name, type: T.INT, i: a.value };
        case 'ints':
          return { name, type: T.INTS, ints: a.value };
        case 'float':
          return { name, type: T.FLOAT, f: a.value };
        case 'string':
          return { name, type: T.STRING, s: new TextEncoder().encode(a.value) };
        case 'graph':
          return { name, type: T.GRAPH, g: a.value };
      }
    });
    this.nodes.push({ opType, input: inputs, output: outs, attribute, domain, name: this.fresh(opType) });
    return outs;
  }

  /** Single-output convenience for `node`. */
  op(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}, domain = ''): string {
    return this.node(opType, inputs, 1, attrs, domain)[0]!;
  }

  /**
   * x[..., K] @ W[K, N]: a plain MatMul in fp32 graphs, com.microsoft MatMulNBits (4-bit, block 32)
   * in q4 graphs, as real q4 exports do for every projection.
   */
  linear(x: string, w: Float32Array, k: number, n: number, name: string): string {
    if (this.quant === 'fp32') return this.op('MatMul', [x, this.f32(name, w, [k, n])]);
    if (this.quant === 'q8') return this.integerOp('MatMulInteger', x, w, [k, n], name);
    const blockSize = 32;
    const attrs = { K: attr.int(k), N: attr.int(n), bits: attr.int(4), block_size: attr.int(blockSize) };
    if (this.quant === 'q4-asym') {
      const q = quantizeQ4Asym(w, k, n, blockSize);
      const b = this.init(`${name}.qweight`, q.packed, [n, q.blocksPerCol, blockSize / 2], DT.UINT8);
      const s = this.f32(`${name}.scales`, q.scales, [n * q.blocksPerCol]);
      const z = this.init(`${name}.zero_points`, q.zeroPoints, [q.zeroPoints.length], DT.UINT8);
      return this.op('MatMulNBits', [x, b, s, z], attrs, 'com.microsoft');
    }
    const q = quantizeQ4(w, k, n, blockSize);
    const b = this.init(`${name}.qweight`, q.packed, [n, q.blocksPerCol, blockSize / 2], DT.UINT8);
    const s = this.f32(`${name}.scales`, q.scales, [n * q.blocksPerCol]);
    return this.op('MatMulNBits', [x, b, s], attrs, 'com.microsoft');
  }

  /**
   * A Conv over a constant weight: plain in fp32 and q4 graphs (the 4-bit quantiser leaves Conv
   * alone), ConvInteger in q8 ones (`quantize_dynamic` quantises Conv weights too).
   */
  conv(x: string, w: Float32Array, dims: number[], name: string, attrs: Record<string, AttrValue>): string {
    if (this.quant === 'q8') return this.integerOp('ConvInteger', x, w, dims, name, attrs);
    return this.op('Conv', [x, this.f32(name, w, dims)], attrs);
  }

  /**
   * What `quantize_dynamic` (IntegerOps) turns a MatMul / Conv with a constant weight into: the
   * activation quantised per tensor at run time, the integer op, Cast, and one Mul by both scales.
   */
  private integerOp(opType: 'MatMulInteger' | 'ConvInteger', x: string, w: Float32Array, dims: number[], name: string, attrs: Record<string, AttrValue> = {}): string {
    let xq = this.dynamicQuant.get(x);
    if (!xq) {
      xq = this.node('DynamicQuantizeLinear', [x], 3) as [string, string, string];
      this.dynamicQuant.set(x, xq);
    }
    const q = quantizeU8(w);
    const wq = this.init(`${name}_quantized`, q.data, dims, DT.UINT8);
    const wScale = this.f32(`${name}_scale`, Float32Array.of(q.scale), []);
    const wZero = this.init(`${name}_zero_point`, Uint8Array.of(q.zeroPoint), [], DT.UINT8);
    const int = this.op(opType, [xq[0], wq, xq[2], wZero], attrs);
    const f = this.op('Cast', [int], { to: attr.int(DT.FLOAT) });
    return this.op('Mul', [f, this.op('Mul', [xq[1], wScale])]);
  }

  graph(name: string): onnxProto.onnx.IGraphProto {
    return {
      name,
      node: this.nodes,
      input: this.inputs,
      output: this.outputs,
      initializer: this.initializers,
    };
  }

  /**
   * Serialises a model (IR 8, ONNX opset 17 + com.microsoft 1). With `externalData`, initializers
   * of 1 KiB and more go to a separate file of that name instead (as real exports of large models
   * do): the result's `data` holds its bytes, in order, aligned to 64.
   */
  encodeModel(name: string): Uint8Array;
  encodeModel(name: string, externalData: string): { model: Uint8Array; data: Uint8Array[] };
  encodeModel(name: string, externalData?: string): Uint8Array | { model: Uint8Array; data: Uint8Array[] } {
    const data: Uint8Array[] = [];
    let graph = this.graph(name);
    if (externalData !== undefined) {
      let offset = 0;
      const initializer = this.initializers.map((t) => {
        const raw = t.rawData as Uint8Array;
        if (raw.byteLength < 1024) return t;
        const pad = (64 - (offset % 64)) % 64;
        if (pad) data.push(new Uint8Array(pad));
        offset += pad;
        data.push(raw);
        const entry = {
          ...t,
          rawData: undefined,
          dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
          externalData: [
            { key: 'location', value: externalData },
            { key: 'offset', value: String(offset) },
            { key: 'length', value: String(raw.byteLength) },
          ],
        };
        offset += raw.byteLength;
        return entry;
      });
      graph = { ...graph, initializer };
    }
    const model: onnxProto.onnx.IModelProto = {
      irVersion: 8,
      producerName: 'toolplan/scripts/make-tiny-models',
      opsetImport: [
        { domain: '', version: 17 },
        { domain: 'com.microsoft', version: 1 },
      ],
      graph,
    };
    const bytes = onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
    return externalData === undefined ? bytes : { model: bytes, data };
  }
}
