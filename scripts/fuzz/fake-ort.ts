/**
 * A fake onnxruntime module: sessions carry the metadata of the real tiny-model sessions (read
 * with onnxruntime-node), `run` returns real-shaped zero caches and logits from a chosen policy.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import type { InferenceSession, Tensor } from 'onnxruntime-common';
import type { OrtModule } from '../../src/model/ort.ts';
import { Rng } from './rng.ts';

export const POLICIES = ['random', 'flat', 'stop', 'special', 'huge', 'nonfinite', 'mixed'] as const;
export type Policy = (typeof POLICIES)[number];

/** What the next forward passes produce; the harness sets it per case. */
export interface LogitsControl {
  policy: Policy;
  rng: Rng;
  /** Forward passes so far (all sessions). */
  passes: number;
}

/** Token ids a policy favours, read from a model folder. */
export interface SpecialIds {
  eos: number[];
  added: number[];
}

export function specialIds(dir: string): SpecialIds {
  const gen = JSON.parse(readFileSync(join(dir, 'generation_config.json'), 'utf8')) as { eos_token_id?: number | number[] };
  const tok = JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8')) as { added_tokens?: { id: number }[] };
  const eos = gen.eos_token_id === undefined ? [] : Array.isArray(gen.eos_token_id) ? gen.eos_token_id : [gen.eos_token_id];
  return { eos, added: (tok.added_tokens ?? []).map((t) => t.id) };
}

const NONFINITE = [Number.NaN, Infinity, -Infinity];

function fillRow(row: Float32Array, policy: Policy, rng: Rng, ids: SpecialIds): void {
  const p: Policy = policy === 'mixed' ? rng.pick(POLICIES.filter((x) => x !== 'mixed')) : policy;
  const n = row.length;
  if (p === 'flat') return void row.fill(rng.pick([0, 1, -3]));
  if (p === 'nonfinite' && rng.chance(0.3)) return void row.fill(rng.pick(NONFINITE));
  const scale = p === 'huge' ? 3.4e38 : 16;
  for (let i = 0; i < n; i++) row[i] = (rng.next() - 0.5) * scale;
  if (p === 'stop') for (const e of ids.eos) row[e] = 1e4;
  if (p === 'special') for (const a of ids.added) row[a] = 20 + rng.next() * 10;
  if (p === 'huge') for (let k = 0; k < 50; k++) row[rng.int(0, n - 1)] = rng.pick([3.4e38, -3.4e38, 1e38]);
  if (p === 'nonfinite') for (let k = 0, m = rng.int(1, 2000); k < m; k++) row[rng.int(0, n - 1)] = rng.pick(NONFINITE);
}

/** `present.i.key` → `past_key_values.i.key`, `present_conv.i` → `past_conv.i`. */
const pastNameOf = (present: string): string => present.replace(/^present\./, 'past_key_values.').replace(/^present_/, 'past_');

interface Meta {
  inputNames: readonly string[];
  outputNames: readonly string[];
  inputMetadata: readonly InferenceSession.ValueMetadata[];
  outputMetadata: readonly InferenceSession.ValueMetadata[];
}
const metaCache = new Map<string, Meta>();

async function realMeta(path: string): Promise<Meta> {
  let m = metaCache.get(path);
  if (!m) {
    const s = await ortNode.InferenceSession.create(path);
    m = { inputNames: [...s.inputNames], outputNames: [...s.outputNames], inputMetadata: [...s.inputMetadata], outputMetadata: [...s.outputMetadata] };
    await s.release();
    metaCache.set(path, m);
  }
  return m;
}

const dimsOf = (t: Tensor): readonly number[] => t.dims;

/** Checks feeds as a real session would: every input given, tensor types and fixed dims matching. */
function checkFeeds(meta: Meta, feeds: Record<string, Tensor>): void {
  for (const m of meta.inputMetadata) {
    const t = feeds[m.name];
    if (!t) throw new Error(`fake ort: missing input ${m.name}`);
    if (!m.isTensor) continue;
    if (t.type !== m.type) throw new Error(`fake ort: input ${m.name} has type ${t.type}, expected ${m.type}`);
    if (t.dims.length !== m.shape.length) throw new Error(`fake ort: input ${m.name} rank ${t.dims.length}, expected ${m.shape.length}`);
    m.shape.forEach((d, i) => {
      if (typeof d === 'number' && t.dims[i] !== d) throw new Error(`fake ort: input ${m.name} dim ${i} is ${t.dims[i]}, expected ${d}`);
    });
  }
  for (const k of Object.keys(feeds)) if (!meta.inputNames.includes(k)) throw new Error(`fake ort: unknown input ${k}`);
}

function fakeSession(meta: Meta, control: LogitsControl, ids: SpecialIds): InferenceSession {
  const run = async (feeds: Record<string, Tensor>): Promise<Record<string, Tensor>> => {
    checkFeeds(meta, feeds);
    control.passes++;
    const src = feeds.input_ids ?? feeds.inputs_embeds!;
    const S = dimsOf(src)[1]!;
    const out: Record<string, Tensor> = {};
    for (const m of meta.outputMetadata) {
      if (!m.isTensor) continue;
      const last = m.shape[m.shape.length - 1];
      if (m.name === 'inputs_embeds') {
        const h = typeof last === 'number' ? last : 64;
        out[m.name] = new ortNode.Tensor('float32', new Float32Array(S * h), [1, S, h]);
      } else if (m.name === 'logits') {
        const V = last as number;
        const rows = feeds.num_logits_to_keep ? 1 : S;
        const data = new Float32Array(rows * V);
        fillRow(data.subarray((rows - 1) * V), control.policy, control.rng, ids);
        out[m.name] = new ortNode.Tensor('float32', data, [1, rows, V]);
      } else {
        const past = feeds[pastNameOf(m.name)]!;
        const dims = m.shape.map((d, i) => (typeof d === 'number' ? d : i === 0 ? 1 : dimsOf(past)[i]! + S));
        out[m.name] = new ortNode.Tensor('float32', new Float32Array(dims.reduce((a, b) => a * b, 1)), dims);
      }
    }
    return out;
  };
  const session = { ...meta, run, release: async () => undefined, startProfiling: () => undefined, endProfiling: () => undefined };
  return session as unknown as InferenceSession;
}

/** The fake module for one model folder. */
export function fakeOrt(modelDir: string, control: LogitsControl): OrtModule {
  const ids = specialIds(modelDir);
  const create = async (pathOrBytes: unknown): Promise<InferenceSession> => {
    if (typeof pathOrBytes !== 'string') throw new Error('fake ort: only local paths are supported');
    return fakeSession(await realMeta(pathOrBytes), control, ids);
  };
  const InferenceSession = { create } as unknown as OrtModule['InferenceSession'];
  return { InferenceSession, Tensor: ortNode.Tensor as unknown as OrtModule['Tensor'], env: ortNode.env as unknown as OrtModule['env'] };
}
