/**
 * Just enough of the ONNX protobuf format to read a small graph's nodes and initializers (inline or
 * in external-data chunks), so the runtime can compute a graph's work itself where a backend lacks
 * a kernel (see embedding-lookup.ts). Not a general ONNX parser.
 */
import { UnsupportedModelError } from './errors.ts';

export interface OnnxTensor {
  name: string;
  dims: number[];
  /** onnx.TensorProto.DataType: 1 float, 2 uint8, 10 float16, … */
  dataType: number;
  bytes: Uint8Array;
}

export interface OnnxNode {
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  /** Integer and float attributes by name. */
  attributes: Map<string, number>;
}

export interface OnnxGraph {
  nodes: OnnxNode[];
  initializers: Map<string, OnnxTensor>;
}

type Field = { no: number; wire: number; value: number | Uint8Array };

/** Reads the fields of one message; varints above 2^53 lose precision (never in the fields read here). */
function* fields(buf: Uint8Array): Generator<Field> {
  let at = 0;
  const varint = (): number => {
    let v = 0;
    let mul = 1;
    for (;;) {
      if (at >= buf.length) throw new UnsupportedModelError('truncated ONNX protobuf');
      const b = buf[at++]!;
      v += (b & 0x7f) * mul;
      if (b < 0x80) return v;
      mul *= 128;
    }
  };
  while (at < buf.length) {
    const key = varint();
    const no = Math.floor(key / 8);
    const wire = key & 7;
    if (wire === 0) yield { no, wire, value: varint() };
    else if (wire === 2) {
      const n = varint();
      if (at + n > buf.length) throw new UnsupportedModelError('truncated ONNX protobuf');
      yield { no, wire, value: buf.subarray(at, at + n) };
      at += n;
    } else if (wire === 5) {
      yield { no, wire, value: buf.subarray(at, at + 4) };
      at += 4;
    } else if (wire === 1) {
      yield { no, wire, value: buf.subarray(at, at + 8) };
      at += 8;
    } else throw new UnsupportedModelError(`unsupported protobuf wire type ${wire}`);
  }
}

const utf8 = new TextDecoder();
const text = (v: number | Uint8Array): string => (typeof v === 'number' ? '' : utf8.decode(v));
const bytesOf = (v: number | Uint8Array): Uint8Array => (typeof v === 'number' ? new Uint8Array() : v);

function packedVarints(v: Uint8Array): number[] {
  const out: number[] = [];
  for (const f of fields(concatKey(v))) out.push(f.value as number);
  return out;
}

/** Re-frames packed varints as field-1 varints so `fields` can read them. */
function concatKey(v: Uint8Array): Uint8Array {
  const out: number[] = [];
  let start = true;
  for (const b of v) {
    if (start) out.push(0x08);
    out.push(b);
    start = b < 0x80;
  }
  return Uint8Array.from(out);
}

function readNode(buf: Uint8Array): OnnxNode {
  const node: OnnxNode = { opType: '', domain: '', inputs: [], outputs: [], attributes: new Map() };
  for (const f of fields(buf)) {
    if (f.no === 1) node.inputs.push(text(f.value));
    else if (f.no === 2) node.outputs.push(text(f.value));
    else if (f.no === 4) node.opType = text(f.value);
    else if (f.no === 7) node.domain = text(f.value);
    else if (f.no === 5) {
      let name = '';
      let value: number | undefined;
      for (const a of fields(bytesOf(f.value))) {
        if (a.no === 1) name = text(a.value);
        else if (a.no === 3 && a.wire === 0) value = a.value as number;
        else if (a.no === 2 && a.wire === 5) {
          const v = a.value as Uint8Array;
          value = new DataView(v.buffer, v.byteOffset, 4).getFloat32(0, true);
        }
      }
      if (value !== undefined) node.attributes.set(name, value);
    }
  }
  return node;
}

function readTensor(buf: Uint8Array, external: readonly { path: string; data: Uint8Array }[]): OnnxTensor {
  const t: OnnxTensor = { name: '', dims: [], dataType: 0, bytes: new Uint8Array() };
  const ext = new Map<string, string>();
  for (const f of fields(buf)) {
    if (f.no === 1) {
      if (f.wire === 0) t.dims.push(f.value as number);
      else t.dims.push(...packedVarints(f.value as Uint8Array));
    } else if (f.no === 2) t.dataType = f.value as number;
    else if (f.no === 8) t.name = text(f.value);
    else if (f.no === 9) t.bytes = bytesOf(f.value);
    else if (f.no === 13) {
      let key = '';
      let value = '';
      for (const e of fields(bytesOf(f.value))) {
        if (e.no === 1) key = text(e.value);
        else if (e.no === 2) value = text(e.value);
      }
      ext.set(key, value);
    }
  }
  const location = ext.get('location');
  if (location !== undefined) {
    const chunk = external.find((e) => e.path === location || e.path.endsWith(`/${location}`));
    if (!chunk) throw new UnsupportedModelError(`initializer ${t.name} is in ${location}, which was not loaded`);
    const offset = Number(ext.get('offset') ?? 0);
    const length = Number(ext.get('length') ?? chunk.data.byteLength - offset);
    t.bytes = chunk.data.subarray(offset, offset + length);
  }
  return t;
}

/** The nodes and initializers of an ONNX model's main graph. */
export function readOnnxGraph(model: Uint8Array, external: readonly { path: string; data: Uint8Array }[] = []): OnnxGraph {
  const graph: OnnxGraph = { nodes: [], initializers: new Map() };
  for (const f of fields(model)) {
    if (f.no !== 7) continue;
    for (const g of fields(bytesOf(f.value))) {
      if (g.no === 1) graph.nodes.push(readNode(bytesOf(g.value)));
      else if (g.no === 5) {
        const t = readTensor(bytesOf(g.value), external);
        graph.initializers.set(t.name, t);
      }
    }
  }
  return graph;
}
