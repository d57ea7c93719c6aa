/**
 * `npm run bench:matmul`: one 1024 × 32768 projection (a slice of Qwen3.5-0.8B's LM head) as the
 * exports write it — q4 `MatMulNBits` (block 32, with/without zero points, accuracy_level 0/4) and
 * q8 `DynamicQuantizeLinear` + `MatMulInteger` — on onnxruntime-web's wasm backend and on
 * onnxruntime-node, for one token (decode) and 64 (prefill). Finds why a q4 model decodes slowly on wasm.
 *
 *   npm run bench:matmul -- [--runs 3]
 */
import { parseArgs } from 'node:util';
import { attr, DT, GraphBuilder } from '../onnx/graph-builder.ts';
import { quantizeQ4, quantizeQ4Asym } from '../onnx/q4.ts';
import { Rng } from '../onnx/rng.ts';
import type { OrtModule } from '../../src/model/index.ts';

const { values: a } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
const RUNS = Number(a.runs);
const K = 1024;
const N = 32768;
const w = new Rng(1).normalArray(K * N, 0.03);

function q4Graph(asym: boolean, level: number): Uint8Array {
  const g = new GraphBuilder('fp32');
  const x = g.input('x', DT.FLOAT, [1, 'S', K]);
  const q = asym ? quantizeQ4Asym(w, K, N, 32) : { ...quantizeQ4(w, K, N, 32), zeroPoints: undefined };
  const ins = [x, g.init('b', q.packed, [N, q.blocksPerCol, 16], DT.UINT8), g.f32('s', q.scales, [N * q.blocksPerCol])];
  if (q.zeroPoints) ins.push(g.init('z', q.zeroPoints, [q.zeroPoints.length], DT.UINT8));
  g.node('MatMulNBits', ins, ['y'], { K: attr.int(K), N: attr.int(N), bits: attr.int(4), block_size: attr.int(32), accuracy_level: attr.int(level) }, 'com.microsoft');
  g.output('y', DT.FLOAT, null);
  return g.encodeModel('q4');
}

function q8Graph(): Uint8Array {
  const g = new GraphBuilder('fp32');
  const x = g.input('x', DT.FLOAT, [1, 'S', K]);
  const wq = new Uint8Array(K * N);
  for (let i = 0; i < wq.length; i++) wq[i] = Math.min(255, Math.max(0, Math.round(w[i]! / 0.001) + 128));
  const [xq, xs, xz] = g.node('DynamicQuantizeLinear', [x], 3);
  const mm = g.op('MatMulInteger', [xq!, g.init('w', wq, [K, N], DT.UINT8), xz!, g.init('wzp', Uint8Array.of(128), [], DT.UINT8)]);
  g.node('Mul', [g.op('Cast', [mm], { to: attr.int(DT.FLOAT) }), g.op('Mul', [xs!, g.scalar(0.001)])], ['y']);
  g.output('y', DT.FLOAT, null);
  return g.encodeModel('q8');
}

const cases: [string, () => Uint8Array][] = [
  ['q4 MatMulNBits, zero points, accuracy_level 0', () => q4Graph(true, 0)],
  ['q4 MatMulNBits, zero points, accuracy_level 4', () => q4Graph(true, 4)],
  ['q4 MatMulNBits, symmetric, accuracy_level 4', () => q4Graph(false, 4)],
  ['q8 DynamicQuantizeLinear + MatMulInteger', q8Graph],
];
for (const [backend, mod] of [['wasm (onnxruntime-web)', 'onnxruntime-web'], ['node (onnxruntime-node)', 'onnxruntime-node']] as const) {
  const ort = (await import(mod)) as unknown as OrtModule;
  for (const [name, build] of cases) {
    const s = await ort.InferenceSession.create(build());
    const feed = (S: number) => ({ x: new ort.Tensor('float32', new Float32Array(S * K).fill(0.1), [1, S, K]) });
    await s.run(feed(1));
    const time = async (S: number) => {
      const t = performance.now();
      for (let i = 0; i < RUNS; i++) await s.run(feed(S));
      return Math.round(((performance.now() - t) / RUNS) * 10) / 10;
    };
    console.log(JSON.stringify({ backend, weights: name, ms_1_token: await time(1), ms_64_tokens: await time(64) }));
    await s.release();
  }
}
