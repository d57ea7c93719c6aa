/**
 * The on-device sampling graph: run on the decoder's own device, fed its `logits` output where it
 * lies (a GPU buffer on WebGPU) and the constraint's bitmask, it returns the chosen id, so a step
 * reads back three floats instead of the vocabulary's row.
 *
 * Input `mask`: the bitmask as 16-bit halves in float32 (word w's low half at 2w, high at 2w + 1):
 * WebGPU has no kernel for BitwiseAnd (onnxruntime would run it on the CPU, copying the row
 * twice), and float arithmetic on integers below 2^24 is exact. Every op here has a WebGPU kernel;
 * there are no int64 tensors in the graph's data path, which WebGPU lacks too.
 *
 * Output `choice` = [id, the largest allowed logit, count of NaN / +Infinity logits in the row].
 * - greedy: the first id of the largest allowed logit (the CPU sampler's argmax, ties included);
 * - sample: inverse-CDF sampling with the CPU sampler's one uniform draw `u`: the first id whose
 *   running sum of exp((logit − max) / T) over allowed ids exceeds u × total, as the CPU sampler
 *   walks its candidates in id order (float32 sums here, float64 there: they can part only where
 *   u × total lies within rounding of a boundary; the caller re-checks the id against the mask).
 */
import { ONNX_TYPE, writeOnnx, type WriterNode, type WriterTensor } from './onnx-writer.ts';

export type SampleMode = 'greedy' | 'sample';
export type LogitsType = 'float32' | 'float16';

function bytes(a: Int32Array | Float32Array | BigInt64Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** The graph for a `vocab`-wide logits output of `logitsType` ([batch, seq, vocab] or [batch, vocab]). */
export function sampleGraph(vocab: number, logitsType: LogitsType, mode: SampleMode, logitsRank: 2 | 3): Uint8Array {
  const halves = 2 * Math.ceil(vocab / 32);
  const halfOf = new Int32Array(vocab);
  const bitOf = new Float32Array(vocab);
  for (let i = 0; i < vocab; i++) {
    halfOf[i] = i >>> 4;
    bitOf[i] = 2 ** (i & 15);
  }
  const init: WriterTensor[] = [
    { name: 'half_of', type: ONNX_TYPE.int32, dims: [vocab], bytes: bytes(halfOf) },
    { name: 'bit_of', type: ONNX_TYPE.float, dims: [vocab], bytes: bytes(bitOf) },
    { name: 'half', type: ONNX_TYPE.float, dims: [], bytes: bytes(Float32Array.of(0.5)) },
    { name: 'two', type: ONNX_TYPE.float, dims: [], bytes: bytes(Float32Array.of(2)) },
    { name: 'neg_inf', type: ONNX_TYPE.float, dims: [], bytes: bytes(Float32Array.of(-Infinity)) },
    { name: 'pos_inf', type: ONNX_TYPE.float, dims: [], bytes: bytes(Float32Array.of(Infinity)) },
    { name: 'last_start', type: ONNX_TYPE.int64, dims: [1], bytes: bytes(BigInt64Array.of(-1n)) },
    { name: 'last_end', type: ONNX_TYPE.int64, dims: [1], bytes: bytes(BigInt64Array.of(2n ** 62n)) },
    { name: 'seq_axis', type: ONNX_TYPE.int64, dims: [1], bytes: bytes(BigInt64Array.of(BigInt(logitsRank - 2))) },
    { name: 'flat', type: ONNX_TYPE.int64, dims: [1], bytes: bytes(BigInt64Array.of(-1n)) },
  ];
  const n: WriterNode[] = [
    // The last position's row, as float32 [vocab].
    { op: 'Slice', inputs: ['logits', 'last_start', 'last_end', 'seq_axis'], outputs: ['last'] },
    { op: 'Reshape', inputs: ['last', 'flat'], outputs: [logitsType === 'float32' ? 'row' : 'row16'] },
    ...(logitsType === 'float16' ? [{ op: 'Cast', inputs: ['row16'], outputs: ['row'], attrs: { to: { int: ONNX_TYPE.float } } }] : []),
    // Bit (id & 15) of half (id >>> 4): floor(h / 2^b) is odd.
    { op: 'Gather', inputs: ['mask', 'half_of'], outputs: ['h'], attrs: { axis: { int: 0 } } },
    { op: 'Div', inputs: ['h', 'bit_of'], outputs: ['h_shifted'] },
    { op: 'Floor', inputs: ['h_shifted'], outputs: ['q'] },
    { op: 'Mul', inputs: ['q', 'half'], outputs: ['q_half'] },
    { op: 'Floor', inputs: ['q_half'], outputs: ['q_half_floor'] },
    { op: 'Mul', inputs: ['q_half_floor', 'two'], outputs: ['q_even'] },
    { op: 'Sub', inputs: ['q', 'q_even'], outputs: ['bit'] },
    { op: 'Less', inputs: ['bit', 'half'], outputs: ['banned'] },
    { op: 'Where', inputs: ['banned', 'neg_inf', 'row'], outputs: ['masked'] },
    { op: 'ReduceMax', inputs: ['masked'], outputs: ['best'], attrs: { keepdims: { int: 1 } } },
    // NaN < ∞ and ∞ < ∞ are false; −∞ (a legitimate "never") is not counted.
    { op: 'Less', inputs: ['row', 'pos_inf'], outputs: ['finite'] },
    { op: 'Not', inputs: ['finite'], outputs: ['nonfinite'] },
    { op: 'Cast', inputs: ['nonfinite'], outputs: ['nonfinite_f'], attrs: { to: { int: ONNX_TYPE.float } } },
    { op: 'ReduceSum', inputs: ['nonfinite_f'], outputs: ['bad'], attrs: { keepdims: { int: 1 } } },
  ];
  const inputs = [
    { name: 'logits', type: logitsType === 'float32' ? ONNX_TYPE.float : ONNX_TYPE.float16, dims: logitsRank === 3 ? ['batch', 'sequence', vocab] : ['batch', vocab] },
    { name: 'mask', type: ONNX_TYPE.float, dims: [halves] },
  ];
  if (mode === 'greedy') {
    // The first id holding the maximum (ArgMax's output is int64, which WebGPU lacks).
    init.push(
      { name: 'id_of', type: ONNX_TYPE.float, dims: [vocab], bytes: bytes(Float32Array.from({ length: vocab }, (_, i) => i)) },
      { name: 'no_id', type: ONNX_TYPE.float, dims: [], bytes: bytes(Float32Array.of(2 ** 24)) },
    );
    n.push(
      { op: 'Equal', inputs: ['masked', 'best'], outputs: ['is_best'] },
      { op: 'Where', inputs: ['is_best', 'id_of', 'no_id'], outputs: ['best_ids'] },
      { op: 'ReduceMin', inputs: ['best_ids'], outputs: ['id'], attrs: { keepdims: { int: 1 } } },
    );
  } else {
    // params = [1 / temperature, u]. Running sums in two levels, blocks of K ids: onnxruntime's
    // WebGPU CumSum sums each output's whole prefix (quadratic: minutes for 150k ids on
    // SwiftShader), so it only ever sees √V-sized inputs here.
    const K = 2 ** Math.ceil(Math.log2(Math.max(2, Math.sqrt(vocab))));
    const B = Math.ceil(vocab / K);
    const pad = B * K - vocab;
    inputs.push({ name: 'params', type: ONNX_TYPE.float, dims: [2] });
    init.push(
      { name: 'i0', type: ONNX_TYPE.int64, dims: [1], bytes: bytes(BigInt64Array.of(0n)) },
      { name: 'i1', type: ONNX_TYPE.int64, dims: [1], bytes: bytes(BigInt64Array.of(1n)) },
      { name: 'i2', type: ONNX_TYPE.int64, dims: [1], bytes: bytes(BigInt64Array.of(2n)) },
      { name: 'axis0', type: ONNX_TYPE.int32, dims: [], bytes: bytes(Int32Array.of(0)) },
      { name: 'axis1', type: ONNX_TYPE.int32, dims: [], bytes: bytes(Int32Array.of(1)) },
      { name: 'axes1', type: ONNX_TYPE.int64, dims: [1], bytes: bytes(BigInt64Array.of(1n)) },
      { name: 'blocks_shape', type: ONNX_TYPE.int64, dims: [2], bytes: bytes(BigInt64Array.of(BigInt(B), BigInt(K))) },
      { name: 'last_block', type: ONNX_TYPE.float, dims: [1], bytes: bytes(Float32Array.of(B - 1)) },
      { name: 'block_size', type: ONNX_TYPE.float, dims: [1], bytes: bytes(Float32Array.of(K)) },
      { name: 'last_in_block', type: ONNX_TYPE.float, dims: [1], bytes: bytes(Float32Array.of(K - 1)) },
    );
    if (pad > 0) init.push({ name: 'pad_zeros', type: ONNX_TYPE.float, dims: [pad], bytes: bytes(new Float32Array(pad)) });
    n.push(
      { op: 'Slice', inputs: ['params', 'i0', 'i1'], outputs: ['inv_t'] },
      { op: 'Slice', inputs: ['params', 'i1', 'i2'], outputs: ['u'] },
      { op: 'Sub', inputs: ['masked', 'best'], outputs: ['shifted'] },
      { op: 'Mul', inputs: ['shifted', 'inv_t'], outputs: ['scaled'] },
      { op: 'Exp', inputs: ['scaled'], outputs: ['weight'] },
      ...(pad > 0 ? [{ op: 'Concat', inputs: ['weight', 'pad_zeros'], outputs: ['weight_padded'], attrs: { axis: { int: 0 } } }] : []),
      { op: 'Reshape', inputs: [pad > 0 ? 'weight_padded' : 'weight', 'blocks_shape'], outputs: ['blocks'] },
      { op: 'ReduceSum', inputs: ['blocks', 'axes1'], outputs: ['block_sum'], attrs: { keepdims: { int: 0 } } },
      { op: 'CumSum', inputs: ['block_sum', 'axis0'], outputs: ['block_running'] },
      { op: 'ReduceSum', inputs: ['block_sum'], outputs: ['total'], attrs: { keepdims: { int: 1 } } },
      { op: 'Mul', inputs: ['total', 'u'], outputs: ['threshold'] },
      // The block where the running sum passes the threshold = how many block sums do not.
      { op: 'LessOrEqual', inputs: ['block_running', 'threshold'], outputs: ['blocks_below'] },
      { op: 'Cast', inputs: ['blocks_below'], outputs: ['blocks_below_f'], attrs: { to: { int: ONNX_TYPE.float } } },
      { op: 'ReduceSum', inputs: ['blocks_below_f'], outputs: ['block_count'], attrs: { keepdims: { int: 1 } } },
      { op: 'Min', inputs: ['block_count', 'last_block'], outputs: ['block_f'] },
      { op: 'Cast', inputs: ['block_f'], outputs: ['block'], attrs: { to: { int: ONNX_TYPE.int32 } } },
      { op: 'Gather', inputs: ['block_running', 'block'], outputs: ['running_to_block'], attrs: { axis: { int: 0 } } },
      { op: 'Gather', inputs: ['block_sum', 'block'], outputs: ['sum_of_block'], attrs: { axis: { int: 0 } } },
      { op: 'Sub', inputs: ['running_to_block', 'sum_of_block'], outputs: ['before_block'] },
      { op: 'Sub', inputs: ['threshold', 'before_block'], outputs: ['local_threshold'] },
      { op: 'Gather', inputs: ['blocks', 'block'], outputs: ['block_weights'], attrs: { axis: { int: 0 } } },
      { op: 'CumSum', inputs: ['block_weights', 'axis1'], outputs: ['local_running'] },
      { op: 'LessOrEqual', inputs: ['local_running', 'local_threshold'], outputs: ['local_below'] },
      { op: 'Cast', inputs: ['local_below'], outputs: ['local_below_f'], attrs: { to: { int: ONNX_TYPE.float } } },
      { op: 'ReduceSum', inputs: ['local_below_f'], outputs: ['local_count'], attrs: { keepdims: { int: 0 } } },
      { op: 'Min', inputs: ['local_count', 'last_in_block'], outputs: ['local'] },
      { op: 'Mul', inputs: ['block_f', 'block_size'], outputs: ['block_start'] },
      { op: 'Add', inputs: ['block_start', 'local'], outputs: ['id'] },
    );
  }
  n.push({ op: 'Concat', inputs: ['id', 'best', 'bad'], outputs: ['choice'], attrs: { axis: { int: 0 } } });
  return writeOnnx({
    nodes: n,
    initializers: init,
    inputs,
    outputs: [{ name: 'choice', type: ONNX_TYPE.float, dims: [3] }],
  });
}
