/**
 * Typed errors of the planner. They keep their class and fields across the worker boundary
 * (see error-transfer.ts), so a page can `instanceof`-check them.
 */

import { ToolplanError } from '../shared/toolplan-error.ts';

/** Base class of the planner's own errors. */
export class PlannerError extends ToolplanError {
  override name: string = 'PlannerError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    // Each subclass names itself in a field: bundlers minify class names, and the worker revives errors by name.
  }
}

/** A tool definition is malformed or its schema cannot be enforced. */
export class ToolDefinitionError extends PlannerError {
  override name: string = 'ToolDefinitionError';
  constructor(
    /** Tool name (or `#index` when the name itself is the problem). */
    readonly tool: string,
    /** JSON pointer into the tool's parameters schema ('' = the definition itself). */
    readonly pointer: string,
    detail: string,
    /** The offending JSON Schema keyword, when one is to blame. */
    readonly keyword?: string,
  ) {
    super(`tool "${tool}": ${detail}${pointer ? ` (at #${pointer})` : ''}`);
  }
}

/** The prompt (plus the token budget of the plan) exceeds the allowed context. */
export class PromptTooLongError extends PlannerError {
  override name: string = 'PromptTooLongError';
  constructor(
    readonly promptTokens: number,
    readonly maxTokens: number,
    readonly limit: number,
  ) {
    super(`the prompt has ${promptTokens} tokens; with ${maxTokens} for the plan that exceeds the limit of ${limit}`);
  }
}

/** The planner was used after `dispose()`. */
export class PlannerDisposedError extends PlannerError {
  override name: string = 'PlannerDisposedError';
  constructor() {
    super('the planner has been disposed');
  }
}

/** A plan failed re-validation (a bug: the grammar should make this impossible). */
export class PlanValidationError extends PlannerError {
  override name: string = 'PlanValidationError';
  constructor(readonly errors: readonly string[]) {
    super(`generated plan failed validation: ${errors.join('; ')}`);
  }
}

/** Tool calls not in the expected shape (the grammar makes this impossible for generated text). */
export class ToolCallSyntaxError extends PlannerError {
  override name: string = 'ToolCallSyntaxError';
}

/** A plan option has the wrong type or range (e.g. `maxTokens: NaN`, `format: 'bogus'`). */
export class InvalidOptionError extends PlannerError {
  override name: string = 'InvalidOptionError';
  constructor(
    readonly option: string,
    detail: string,
    readonly value: unknown,
  ) {
    super(`option ${option} ${detail} (got ${typeof value === 'string' ? JSON.stringify(value) : typeof value === 'object' && value !== null ? 'an object' : String(value)})`);
  }
}

/** What went wrong between a `RemotePlanner` and its server. */
export type RemoteFailure = 'http' | 'timeout' | 'network' | 'protocol' | 'length';

/**
 * A plan server failed: an HTTP error status (`status`, the start of the body in `body`), no answer
 * within `timeoutMs`, the network, an answer not in the Chat Completions shape, or a plan cut at
 * the token budget (`length`: the server's grammar does not end the JSON in time, unlike ours).
 */
export class RemoteError extends PlannerError {
  override name: string = 'RemoteError';
  constructor(
    readonly failure: RemoteFailure,
    message: string,
    readonly status?: number,
    readonly body?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The worker died (e.g. out of memory); the next call starts a new one. */
export class WorkerCrashedError extends PlannerError {
  override name: string = 'WorkerCrashedError';
}

/**
 * A call asks for something toolplan does not do: free text (no tools and no JSON schema), an empty
 * prompt, a last message that is not the user's or a tool result. Refused loudly, never answered
 * with an unconstrained generation.
 */
export class UnsupportedRequestError extends PlannerError {
  override name: string = 'UnsupportedRequestError';
  constructor(
    /** What was asked for: `text`, `prompt`, `toolChoice`, … */
    readonly feature: string,
    detail: string,
  ) {
    super(`${feature}: ${detail}`);
  }
}
