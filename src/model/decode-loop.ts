/**
 * The decode loop: prefill (from a prefix snapshot when one matches), then sample under an optional
 * constraint, feeding each sampled token together with the run of tokens the constraint forces
 * after it in a single forward pass (jump-forward).
 *
 * The next step's mask depends only on the tokens already fed, so it is filled while the forward
 * pass runs: on WebGPU the GPU computes while the JavaScript thread fills the mask. (onnxruntime-node
 * on the CPU and onnxruntime-web's wasm in a worker, where its proxy worker is off, run a pass on
 * the JavaScript thread itself: there the two simply follow each other, as before.) On WebGPU the
 * logits stay on the GPU and the token is chosen there (CausalLM.sampleKept) unless top-k / top-p
 * need the row.
 */
import { now } from '../shared/clock.ts';
import { macrotask } from './macrotask.ts';
import type { CausalLM, KeptLogits } from './causal-lm.ts';
import type { Sampler } from './sampler.ts';
import type { SnapshotStore } from './snapshot-store.ts';

/**
 * What the loop needs of a constraint. `GrammarMatcher` from the grammar module fits as is; so
 * does any object that can fill a token bitmask and accept tokens.
 */
export interface TokenConstraint {
  /** Sets the bits (`mask[id >>> 5] & (1 << (id & 31))`) of the tokens allowed next. */
  fillMask(mask: Uint32Array): void;
  /** Records a token the mask allowed (a stop token ends the document). */
  accept(token: number): void;
  /** True once a stop token was accepted. */
  readonly isTerminated: boolean;
  /** Tokens the constraint leaves no choice about from here (jump-forward). */
  forcedTokens?(): number[];
  /**
   * Accepts `token` and returns true only where the next mask would surely allow it; false changes
   * nothing (and may be said of an allowed token). With it, greedy decoding tries the model's
   * unmasked choice first and fills no mask when it is taken. (`GrammarMatcher.tryAcceptQuick`.)
   */
  tryAcceptQuick?(token: number): boolean;
}

export interface DecodeOptions {
  sampler: Sampler;
  /** Most tokens to generate (stop token included). */
  maxNewTokens: number;
  /** End-of-sequence ids (used when there is no constraint). */
  stopTokens: readonly number[];
  constraint?: TokenConstraint | undefined;
  /** Feed forced runs in one forward pass (default true when the constraint offers them). */
  jumpForward?: boolean | undefined;
  signal?: AbortSignal | undefined;
  /** Reuse and store prefix snapshots here. */
  snapshots?: SnapshotStore | undefined;
  /** Length of the prompt's stable prefix (e.g. system + tools): snapshot the cache after it. */
  prefixLength?: number | undefined;
  /**
   * Greedy decoding with a constraint that has `tryAcceptQuick`, logits on the CPU: try the unmasked
   * argmax first and fill the mask only when the constraint does not take it (default false: off until
   * the demo's full e2e run, which timed out with it on, is understood). The
   * tokens are the same either way — the first of the highest logits, when the mask allows it, is
   * also the masked argmax — and where the forward pass blocks the thread (onnxruntime-node, wasm in
   * a worker) a mask is time the step no longer spends. An unmasked argmax costs about a mask, so
   * after 8 tries with fewer than half taken the loop goes back to a mask every step (`'always'`:
   * never). Off where the mask is filled while the GPU computes, and for sampling with a temperature.
   */
  speculate?: boolean | 'always' | undefined;
}

/** One generated token; `forced` when the constraint chose it (jump-forward), not the sampler. */
export interface TokenEvent {
  token: number;
  forced: boolean;
}

export interface DecodeStats {
  promptTokens: number;
  /** Prompt tokens actually computed (the rest came from a snapshot). */
  prefilledTokens: number;
  /** Generated tokens, forced ones and the stop token included. */
  tokens: number;
  forcedTokens: number;
  forwardPasses: number;
  /** Time to the first generated token. */
  ttftMs: number;
  /** Time from the first token to the end. */
  decodeMs: number;
  /** `stop`: stop token / constraint done; `length`: maxNewTokens reached. */
  finish: 'stop' | 'length';
  /** Sampled tokens the constraint took without a mask (see `DecodeOptions.speculate`). */
  unmaskedTokens: number;
  /** Where the time after prefill went, in ms (see StepProfile). */
  profile: StepProfile;
}

/** Time of the steps after prefill, by part, in milliseconds. */
export interface StepProfile {
  /** Forward passes (embedding + decoder runs and cache hand-over), read-back excluded. */
  forwardMs: number;
  /** Reading the last logits row back (from the GPU, on WebGPU) and checking it is finite. */
  readbackMs: number;
  /** Filling the constraint's token mask. */
  maskMs: number;
  /** Sampling under the mask (on WebGPU: the sampling graph's run, which waits for the pass's GPU work). */
  sampleMs: number;
  /** The constraint accepting tokens and computing the forced run (jump-forward). */
  acceptMs: number;
}


/** Prefill: restore the longest matching snapshot, compute the rest, store the prefix snapshot. */
async function prefill(lm: CausalLM, prompt: readonly number[], o: DecodeOptions): Promise<{ logits: Float32Array; computed: number; passes: number }> {
  let from = 0;
  let logits: Float32Array | undefined;
  let passes = 0;
  const snap = o.snapshots?.longestPrefix(prompt);
  if (snap && snap.tokens.length > 0 && (snap.tokens.length < prompt.length || snap.logits)) {
    lm.restore(snap);
    from = snap.tokens.length;
    logits = snap.logits;
  } else lm.reset();
  const reused = from;
  const p = o.prefixLength ?? 0;
  if (o.snapshots && p > from && p <= prompt.length) {
    await macrotask();
    o.signal?.throwIfAborted();
    logits = await lm.forward(prompt.slice(from, p));
    passes++;
    o.snapshots.add({ ...(await lm.snapshot()), logits });
    from = p;
  }
  if (from < prompt.length) {
    await macrotask();
    o.signal?.throwIfAborted();
    logits = await lm.forward(prompt.slice(from));
    passes++;
  }
  return { logits: logits!, computed: prompt.length - reused, passes };
}

/**
 * Generates after `prompt`, yielding each token; returns the run's stats.
 *
 * @example
 * ```ts
 * import { compileGrammar, decode, loadModel, Sampler, Vocabulary, vocabularyFromTokenizerJson, type TokenizerJson } from 'toolplan';
 *
 * const model = await loadModel('onnx-community/Qwen3.5-0.8B-ONNX-OPT');
 * // The model's vocabulary as the engine sees it (the planner builds this once per model).
 * const json = model.tokenizer.json as unknown as TokenizerJson;
 * const vocab = new Vocabulary(vocabularyFromTokenizerJson(json, { size: model.vocabSize, stopTokens: model.eosTokenIds }));
 * const matcher = compileGrammar({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }, vocab).matcher({ maxTokens: 64 });
 * const promptIds = model.tokenizer.encode('The weather in Lisbon as JSON: ');
 * const it = decode(model.lm, promptIds, { sampler: new Sampler(), maxNewTokens: 64, stopTokens: model.eosTokenIds, constraint: matcher });
 * for (let r = await it.next(); !r.done; r = await it.next()) console.log(r.value.token);
 * ```
 */
export async function* decode(lm: CausalLM, prompt: readonly number[], o: DecodeOptions): AsyncGenerator<TokenEvent, DecodeStats> {
  if (prompt.length === 0) throw new RangeError('the prompt is empty');
  o.signal?.throwIfAborted();
  const start = now();
  const first = await prefill(lm, prompt, o);
  // CPU row (after prefill, or where the device cannot sample) or logits kept on the device.
  let logits: Float32Array | KeptLogits = first.logits;
  let passes = first.passes;
  const stops = new Set(o.stopTokens);
  const c = o.constraint;
  const jump = (o.jumpForward ?? true) && typeof c?.forcedTokens === 'function';
  const onDevice = lm.samplesOnDevice && o.sampler.deviceMode !== undefined;
  const mask = c ? new Uint32Array(Math.ceil(first.logits.length / 32)) : undefined;
  // Greedy on the CPU row: the model's own choice is tested before any mask (see DecodeOptions.speculate).
  // An unmasked argmax costs about what a mask does (~0.15 ms at 152k ids here): it pays only when the
  // model's choice is mostly taken, so speculation stops after 8 tries if fewer than half were.
  let speculate = (o.speculate ?? false) !== false && !onDevice && o.sampler.deviceMode === 'greedy' && typeof c?.tryAcceptQuick === 'function';
  let unmasked = 0;
  let tries = 0;
  let tokens = 0;
  let forced = 0;
  let ttft = 0;
  let finish: DecodeStats['finish'] = 'length';
  const lmBefore = lm.timings;
  const profile: StepProfile = { forwardMs: 0, readbackMs: 0, maskMs: 0, sampleMs: 0, acceptMs: 0 };
  const fill = () => {
    const t = now();
    if (c && mask) c.fillMask(mask);
    profile.maskMs += now() - t;
  };
  if (!speculate) fill();
  try {
    while (tokens < o.maxNewTokens) {
      o.signal?.throwIfAborted();
      // Timed in pieces that exclude the yields (the consumer's time is not ours).
      let tok: number;
      if (speculate && logits instanceof Float32Array) {
        const t1 = now();
        const guess = o.sampler.sample(logits);
        const t2 = now();
        const took = c!.tryAcceptQuick!(guess);
        profile.sampleMs += t2 - t1;
        profile.acceptMs += now() - t2;
        tries++;
        if (took) {
          tok = guess;
          unmasked++;
        } else {
          fill();
          const t3 = now();
          tok = o.sampler.sample(logits, mask);
          const t4 = now();
          c!.accept(tok);
          profile.sampleMs += t4 - t3;
          profile.acceptMs += now() - t4;
        }
        // From here on the mask is filled after each pass, as without speculation.
        if (o.speculate !== 'always' && tries >= 8 && unmasked * 2 < tries) speculate = false;
      } else {
        const t1 = now();
        tok = logits instanceof Float32Array ? o.sampler.sample(logits, mask) : await lm.sampleKept(logits, mask, o.sampler);
        const t2 = now();
        c?.accept(tok);
        const t3 = now();
        profile.sampleMs += t2 - t1;
        profile.acceptMs += t3 - t2;
      }
      tokens++;
      if (tokens === 1) ttft = now() - start;
      yield { token: tok, forced: false };
      if (c ? c.isTerminated : stops.has(tok)) {
        finish = 'stop';
        break;
      }
      const feed = [tok];
      if (jump) {
        let t = now();
        const run = c!.forcedTokens!();
        profile.acceptMs += now() - t;
        for (const f of run) {
          if (tokens >= o.maxNewTokens) break;
          t = now();
          c!.accept(f);
          profile.acceptMs += now() - t;
          feed.push(f);
          tokens++;
          forced++;
          yield { token: f, forced: true };
        }
      }
      if (tokens >= o.maxNewTokens) break;
      // Let an abort (a message or an event) land before the next pass: see macrotask.ts.
      await macrotask();
      o.signal?.throwIfAborted();
      passes++;
      if (onDevice) {
        // A WebGPU pass resolves once its work is queued, before the GPU is done: the mask is
        // filled while the GPU computes, and the sampling graph's read-back waits for both.
        logits = await lm.forwardKept(feed);
        fill();
        continue;
      }
      // The next mask while the pass runs (where it runs off this thread); a failing constraint
      // still waits for the pass, so the model is never left busy.
      const pass = lm.forward(feed);
      try {
        if (!speculate) fill();
      } catch (e) {
        await pass.catch(() => undefined);
        throw e;
      }
      logits = await pass;
    }
  } finally {
    if (!(logits instanceof Float32Array)) lm.releaseKept(logits);
  }
  const lmAfter = lm.timings;
  profile.readbackMs = lmAfter.readbackMs - lmBefore.readbackMs;
  profile.forwardMs = lmAfter.passMs - lmBefore.passMs - profile.readbackMs;
  return {
    promptTokens: prompt.length,
    prefilledTokens: first.computed,
    tokens,
    forcedTokens: forced,
    forwardPasses: passes,
    ttftMs: ttft,
    decodeMs: now() - start - ttft,
    finish,
    unmaskedTokens: unmasked,
    profile,
  };
}
