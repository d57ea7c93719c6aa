/**
 * Typed errors of the model runtime. Every failure a user can cause or meet (a missing file, a
 * dropped connection, a full disk, a lost GPU, a prompt too long) has its own class, so apps can
 * tell them apart without parsing messages.
 */

import { ToolplanError } from '../shared/toolplan-error.ts';

/** Base class of the model runtime's errors. */
export class ModelError extends ToolplanError {
  override name: string = 'ModelError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    // Each subclass names itself in a field: bundlers minify class names, and the worker revives errors by name.
  }
}

/**
 * A model file does not exist at its URL or path (HTTP 404 / ENOENT), or the server answered with
 * a web page instead of the file (an SPA fallback); `hint` says which.
 */
export class ModelFileNotFoundError extends ModelError {
  override name: string = 'ModelFileNotFoundError';
  constructor(
    readonly url: string,
    readonly status?: number,
    readonly hint?: string,
  ) {
    super(`model file not found: ${url}${status ? ` (HTTP ${status})` : ''}${hint ? `: ${hint}` : ''}`);
  }
}

/** The download failed: network loss, a server error, or a stream that broke mid-way. */
export class DownloadError extends ModelError {
  override name: string = 'DownloadError';
  constructor(readonly url: string, detail: string, options?: { cause?: unknown }) {
    super(`download of ${url} failed: ${detail}`, options);
  }
}

/** A file's bytes do not match its declared size or sha256; it is never loaded. */
export class IntegrityError extends ModelError {
  override name: string = 'IntegrityError';
  constructor(
    readonly url: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`${url} is corrupt or partial: expected ${expected}, got ${actual}`);
  }
}

/** The browser refused to store a model file (storage quota exceeded). */
export class StorageQuotaError extends ModelError {
  override name: string = 'StorageQuotaError';
  constructor(readonly url: string, options?: { cause?: unknown }) {
    super(`no room to cache ${url} (storage quota exceeded)`, options);
  }
}

/** The model's files or graph do not have the shape this runtime drives. */
export class UnsupportedModelError extends ModelError {
  override name: string = 'UnsupportedModelError';
}

/** No execution provider could create a session (e.g. WebGPU and WASM both failed). */
export class BackendError extends ModelError {
  override name: string = 'BackendError';
}

/**
 * A backend has no kernel for an operator the model uses (e.g. onnxruntime-web's wasm build and
 * `GatherBlockQuantized`): raised at load, naming the operator, never as a failure inside a run.
 */
export class UnsupportedOperatorError extends BackendError {
  override name: string = 'UnsupportedOperatorError';
  constructor(
    /** The operator type, e.g. `GatherBlockQuantized`. */
    readonly operator: string,
    /** The backend that lacks it. */
    readonly device: string,
    /** The graph file that uses it. */
    readonly file: string,
    detail?: string,
    options?: ErrorOptions,
  ) {
    super(`onnxruntime's ${device} backend has no kernel for the operator ${operator}, which ${file} uses${detail ? `; ${detail}` : ''}`, options);
  }
}

/** The WebGPU device was lost (driver reset, tab backgrounded on mobile, …). */
export class DeviceLostError extends ModelError {
  override name: string = 'DeviceLostError';
  constructor(readonly reason: string) {
    super(`the WebGPU device was lost: ${reason}`);
  }
}

/** A prompt (plus the tokens still to generate) does not fit the model's context window. */
export class ContextOverflowError extends ModelError {
  override name: string = 'ContextOverflowError';
  constructor(
    readonly tokens: number,
    readonly limit: number,
  ) {
    super(`${tokens} tokens do not fit the context window of ${limit}`);
  }
}

/** The runtime was used after `dispose()`. */
export class DisposedError extends ModelError {
  override name: string = 'DisposedError';
  constructor() {
    super('the model has been disposed');
  }
}

/**
 * No token can be chosen. Either the mask allows none (`ruledOut: false`: the constraint reached a
 * dead end, a bug to report) or every token it allows has logit −Infinity (`ruledOut: true`: the
 * model itself ruled them all out, e.g. broken weights or a logits processor that masks too much).
 */
export class NoAllowedTokenError extends ModelError {
  override name: string = 'NoAllowedTokenError';
  /** True when the mask allowed tokens but the model gave each of them logit −Infinity. */
  readonly ruledOut: boolean;
  constructor(ruledOut = false) {
    super(ruledOut ? 'every token the constraint allows has logit -Infinity: the model ruled them all out' : 'the mask allows no token (the constraint reached a dead end)');
    this.ruledOut = ruledOut;
  }
}

/** The error for a row where no allowed token has a finite logit: says whether the mask was empty. */
export function noAllowedToken(mask: Uint32Array | undefined, vocab: number): NoAllowedTokenError {
  if (!mask) return new NoAllowedTokenError(vocab > 0);
  const last = Math.ceil(vocab / 32) - 1;
  for (let w = 0; w <= Math.min(last, mask.length - 1); w++) {
    // Bits past the vocabulary in the last word are padding, not tokens.
    const bits = w === last && vocab % 32 !== 0 ? mask[w]! & ((1 << (vocab % 32)) - 1) : mask[w]!;
    if (bits !== 0) return new NoAllowedTokenError(true);
  }
  return new NoAllowedTokenError(false);
}

/**
 * The model produced NaN or +Infinity logits (an fp16 overflow on some GPUs, or broken weights).
 * Not a grammar dead end: the call fails with this, and the planner stays usable; a run at a wider
 * dtype (`q4` instead of `q4f16`, `fp32` instead of `fp16`) is the usual remedy.
 */
export class NonFiniteLogitsError extends ModelError {
  override name: string = 'NonFiniteLogitsError';
  constructor(
    /** Tokens the cache held when the pass ran. */
    readonly position: number,
    /** How many logits of the row were NaN or +Infinity. */
    readonly count: number,
  ) {
    super(`the model produced ${count} NaN or +Infinity logits at position ${position} (an fp16 overflow? try a wider dtype)`);
  }
}
