/** Drives a matcher to completion with a token picker, checking every mask on the way. */
import type { GrammarMatcher, Vocabulary } from '../../src/grammar/index.ts';

export type Picker = (allowed: number[], vocab: Vocabulary, rand: () => number) => number;

export const PICKERS: Record<string, Picker> = {
  uniform: (a, _v, rand) => a[Math.floor(rand() * a.length)]!,
  highestId: (a) => a[a.length - 1]!,
  longest: (a, v) => a.reduce((best, t) => ((v.tokens[t]?.length ?? 0) > (v.tokens[best]?.length ?? 0) ? t : best), a[0]!),
};

export function allowedTokens(mask: Uint32Array, size: number): number[] {
  const out: number[] = [];
  for (let w = 0; w < mask.length; w++) {
    let bits = mask[w]!;
    while (bits) {
      const low = bits & -bits;
      const t = w * 32 + 31 - Math.clz32(low);
      if (t < size) out.push(t);
      bits ^= low;
    }
  }
  return out;
}

export interface DriveResult {
  text: string;
  tokens: number[];
  emptyMaskAt: number;
}

/** Runs until the stop token (at most maxSteps). emptyMaskAt is -1 when no mask was empty. */
export function drive(m: GrammarMatcher, vocab: Vocabulary, pick: Picker, seed: number, maxSteps: number): DriveResult {
  let state = seed >>> 0 || 1;
  const rand = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296);
  const mask = vocab.allocateMask();
  const stop = new Set(vocab.stopTokens);
  const bytes: number[] = [];
  const tokens: number[] = [];
  for (let step = 0; step < maxSteps && !m.isTerminated; step++) {
    m.fillMask(mask);
    const allowed = allowedTokens(mask, vocab.size);
    if (allowed.length === 0) return { text: '', tokens, emptyMaskAt: step };
    const t = pick(allowed, vocab, rand);
    m.accept(t);
    tokens.push(t);
    if (!stop.has(t)) bytes.push(...vocab.tokens[t]!);
  }
  return { text: new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes)), tokens, emptyMaskAt: -1 };
}
