/**
 * Just enough of the ONNX protobuf format to write a small graph built at run time (the on-device
 * sampler, sample-graph.ts): nodes with int, float and ints attributes, raw-data initializers,
 * typed inputs and outputs. The counterpart of onnx-reader.ts; not a general ONNX writer.
 */

/** onnx.TensorProto.DataType values used here. */
export const ONNX_TYPE = { float: 1, int32: 6, int64: 7, bool: 9, float16: 10 } as const;
export type OnnxType = (typeof ONNX_TYPE)[keyof typeof ONNX_TYPE];

export type OnnxAttr = { int: number } | { float: number } | { ints: readonly number[] };

export interface WriterNode {
  op: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attrs?: Readonly<Record<string, OnnxAttr>>;
}

export interface WriterTensor {
  name: string;
  type: OnnxType;
  dims: readonly number[];
  /** Little-endian raw bytes, as ONNX's raw_data. */
  bytes: Uint8Array;
}

export interface WriterValue {
  name: string;
  type: OnnxType;
  /** Numbers are fixed sizes, strings symbolic ones. */
  dims: readonly (number | string)[];
}

export interface WriterGraph {
  nodes: readonly WriterNode[];
  initializers: readonly WriterTensor[];
  inputs: readonly WriterValue[];
  outputs: readonly WriterValue[];
  /** Default-domain opset (default 18). */
  opset?: number;
}

/** Protobuf bytes, built field by field. */
class Out {
  private readonly parts: Uint8Array[] = [];
  private size = 0;

  private push(b: Uint8Array): this {
    this.parts.push(b);
    this.size += b.length;
    return this;
  }

  private varint(v: number): this {
    const b: number[] = [];
    // Negative int64s are written as their 10-byte two's complement, as protobuf requires.
    let n = BigInt.asUintN(64, BigInt(v));
    do {
      let byte = Number(n & 0x7fn);
      n >>= 7n;
      if (n > 0n) byte |= 0x80;
      b.push(byte);
    } while (n > 0n);
    return this.push(Uint8Array.from(b));
  }

  int(no: number, v: number): this {
    return this.varint(no * 8).varint(v);
  }

  float(no: number, v: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    return this.varint(no * 8 + 5).push(b);
  }

  bytes(no: number, v: Uint8Array): this {
    return this.varint(no * 8 + 2).varint(v.length).push(v);
  }

  string(no: number, s: string): this {
    return this.bytes(no, new TextEncoder().encode(s));
  }

  message(no: number, build: (m: Out) => void): this {
    const m = new Out();
    build(m);
    return this.bytes(no, m.done());
  }

  done(): Uint8Array {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

const ATTR_TYPE = { float: 1, int: 2, ints: 7 } as const;

function valueInfo(m: Out, v: WriterValue): void {
  m.string(1, v.name);
  m.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, v.type);
      tensor.message(2, (shape) => {
        for (const d of v.dims) shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
      });
    }),
  );
}

/** Serialises `g` as an ONNX model (IR 8, the default domain at `opset`). */
export function writeOnnx(g: WriterGraph): Uint8Array {
  const model = new Out();
  model.int(1, 8);
  model.string(2, 'toolplan');
  model.message(7, (graph) => {
    g.nodes.forEach((n, i) =>
      graph.message(1, (node) => {
        for (const x of n.inputs) node.string(1, x);
        for (const y of n.outputs) node.string(2, y);
        node.string(3, `${n.op}_${i}`);
        node.string(4, n.op);
        for (const [name, a] of Object.entries(n.attrs ?? {})) {
          node.message(5, (attr) => {
            attr.string(1, name);
            if ('int' in a) attr.int(3, a.int).int(20, ATTR_TYPE.int);
            else if ('float' in a) attr.float(2, a.float).int(20, ATTR_TYPE.float);
            else {
              for (const v of a.ints) attr.int(8, v);
              attr.int(20, ATTR_TYPE.ints);
            }
          });
        }
      }),
    );
    graph.string(2, 'graph');
    for (const t of g.initializers) {
      graph.message(5, (tensor) => {
        for (const d of t.dims) tensor.int(1, d);
        tensor.int(2, t.type);
        tensor.string(8, t.name);
        tensor.bytes(9, t.bytes);
      });
    }
    for (const v of g.inputs) graph.message(11, (m) => valueInfo(m, v));
    for (const v of g.outputs) graph.message(12, (m) => valueInfo(m, v));
  });
  model.message(8, (opset) => opset.string(1, '').int(2, g.opset ?? 18));
  return model.done();
}
