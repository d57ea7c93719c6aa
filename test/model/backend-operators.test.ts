/**
 * Operators a backend cannot run: a typed UnsupportedOperatorError naming the operator and file
 * at load (never a failure inside a run), and the JavaScript lookup that stands in for
 * GatherBlockQuantized (the q4 -OPT embedding) where onnxruntime-web's wasm build lacks it.
 */
import ort from 'onnxruntime-node';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { attr, DT, GraphBuilder } from '../../scripts/onnx/graph-builder.ts';
import { Rng } from '../../scripts/onnx/rng.ts';
import { buildEmbedTokensQ4 } from '../../scripts/tiny/opt-layers.ts';
import { BackendError, createSession, loadModel, QuantizedEmbedding, UnsupportedOperatorError } from '../../src/model/index.ts';
import { modelDir, onnxFiles } from '../../scripts/lib/fixtures.ts';
import { int64 } from '../../scripts/lib/hand-loop.ts';

/**
 * An embedding graph with a node whose schema accepts its types but no CPU kernel does, as
 * GatherBlockQuantized is on wasm: here ReduceMax on bfloat16.
 */
function graphWithoutCpuKernel(): Uint8Array {
  const g = new GraphBuilder('fp32');
  const ids = g.input('input_ids', DT.INT64, ['batch_size', 'sequence_length']);
  const x = g.op('Unsqueeze', [g.op('Cast', [ids], { to: attr.int(DT.BFLOAT16) }), g.i64([-1])]); // [B, S, 1]
  const o = g.op('ReduceMax', [x], { axes: attr.ints([-1]), keepdims: attr.int(1) });
  g.node('Cast', [o], ['inputs_embeds'], { to: attr.int(DT.FLOAT) });
  g.output('inputs_embeds', DT.FLOAT, null);
  return g.encodeModel('embed_tokens');
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('an operator without a kernel on the backend', () => {
  it('createSession throws UnsupportedOperatorError naming the operator, the device and the file', async () => {
    const err = await createSession(ort, { kind: 'bytes', data: graphWithoutCpuKernel(), externalData: [] }, 'cpu', 'onnx/embed_tokens_q4.onnx').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnsupportedOperatorError);
    expect(err).toBeInstanceOf(BackendError);
    const u = err as UnsupportedOperatorError;
    expect([u.operator, u.device, u.file]).toEqual(['ReduceMax', 'cpu', 'onnx/embed_tokens_q4.onnx']);
    expect(u.message).toMatch(/cpu backend has no kernel for the operator ReduceMax, which onnx\/embed_tokens_q4\.onnx uses/);
  });

  it('loadModel fails with it at load, naming the graph file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'toolplan-op-'));
    dirs.push(dir);
    cpSync(modelDir('tiny-qwen3_5-opt'), dir, { recursive: true });
    writeFileSync(join(dir, 'onnx', 'embed_tokens_q4.onnx'), graphWithoutCpuKernel());
    const err = await loadModel(dir, { dtype: 'q4' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnsupportedOperatorError);
    expect((err as UnsupportedOperatorError).operator).toBe('ReduceMax');
    expect((err as UnsupportedOperatorError).file).toBe('onnx/embed_tokens_q4.onnx');
  });
});

describe('QuantizedEmbedding (GatherBlockQuantized in JavaScript)', () => {
  const file = onnxFiles('tiny-qwen3_5-opt', 'q4').embed!;
  const ids = [0, 1, 9707, 151642, 151643, 151935, 42, 42];

  it('gives exactly onnxruntime’s GatherBlockQuantized rows', async () => {
    const session = await ort.InferenceSession.create(file);
    const lookup = QuantizedEmbedding.fromModel(ort, readFileSync(file))!;
    expect(lookup).toBeDefined();
    expect([lookup.vocab, lookup.hidden]).toEqual([151936, 64]);
    const feeds = { input_ids: int64(ort, ids, [1, ids.length]) };
    const want = (await session.run(feeds)).inputs_embeds!;
    const got = (await lookup.run(feeds)).inputs_embeds!;
    expect(got.dims).toEqual(want.dims);
    expect(Array.from(got.data as Float32Array)).toEqual(Array.from(want.data as Float32Array));
    await session.release();
  });

  it('reads a table from external data as from inline bytes, and refuses other graphs', async () => {
    const embedT = new Rng(7).normalArray(64 * 512, 1);
    const g = new GraphBuilder('fp32');
    buildEmbedTokensQ4(g, embedT, 512, 64);
    const inline = QuantizedEmbedding.fromModel(ort, g.encodeModel('embed_tokens'))!;
    const { model, data } = g.encodeModel('embed_tokens', 'embed_tokens_q4.onnx_data');
    const bytes = new Uint8Array(data.reduce((n, c) => n + c.byteLength, 0));
    data.reduce((at, c) => (bytes.set(c, at), at + c.byteLength), 0);
    const external = QuantizedEmbedding.fromModel(ort, model, [{ path: 'embed_tokens_q4.onnx_data', data: bytes }])!;
    const feeds = { input_ids: int64(ort, [3, 511, 0], [1, 3]) };
    expect(Array.from((await external.run(feeds)).inputs_embeds!.data as Float32Array)).toEqual(Array.from((await inline.run(feeds)).inputs_embeds!.data as Float32Array));
    await expect(inline.run({ input_ids: int64(ort, [512], [1, 1]) })).rejects.toThrow(RangeError);
    // A plain Gather (fp32 embedding) is not its job.
    expect(QuantizedEmbedding.fromModel(ort, readFileSync(onnxFiles('tiny-qwen3_5-opt', 'fp32').embed!))).toBeUndefined();
  });
});
