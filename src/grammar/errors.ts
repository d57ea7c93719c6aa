/**
 * Typed errors of the constraint engine. Each carries the JSON pointer of the schema location it is
 * about, so a caller can show exactly which part of a tool's schema is at fault.
 */

import { ToolplanError } from '../shared/toolplan-error.ts';

/** Base class of every error the grammar module throws on bad input. */
export class SchemaError extends ToolplanError {
  override name: string = 'SchemaError';
  constructor(
    message: string,
    /** JSON pointer into the schema, e.g. `/properties/when/format`. */
    readonly pointer: string,
  ) {
    super(`${message} (at ${pointer === '' ? '#' : `#${pointer}`})`);
    // Each subclass names itself in a field: bundlers minify class names, and the worker revives errors by name.
  }
}

/**
 * A keyword (or a keyword value) the engine cannot enforce. It is refused rather than ignored, so a
 * constraint is never silently dropped.
 */
export class UnsupportedSchemaError extends SchemaError {
  override name: string = 'UnsupportedSchemaError';
  constructor(
    readonly keyword: string,
    pointer: string,
    detail?: string,
  ) {
    super(`unsupported JSON Schema keyword "${keyword}"${detail ? `: ${detail}` : ''}`, pointer);
  }
}

/** The schema is not a well-formed JSON Schema (wrong keyword value types, dangling $ref…). */
export class InvalidSchemaError extends SchemaError {
  override name: string = 'InvalidSchemaError';
}

/** No JSON document satisfies the schema, so no output could ever be completed. */
export class UnsatisfiableSchemaError extends SchemaError {
  override name: string = 'UnsatisfiableSchemaError';
}

/** A token was offered that the grammar does not allow in the current state. */
export class TokenRejectedError extends ToolplanError {
  override name: string = 'TokenRejectedError';
  constructor(readonly token: number) {
    super(`token ${token} is not allowed by the grammar here`);
  }
}

/**
 * The token budget is smaller than the shortest completion of the document: `needed` is that
 * completion's tokens (its shortest text in bytes, spelled in the fewest tokens of the vocabulary).
 */
export class BudgetExceededError extends ToolplanError {
  override name: string = 'BudgetExceededError';
  constructor(
    readonly needed: number,
    readonly budget: number,
  ) {
    super(`the shortest valid document needs ${needed} more tokens, but only ${budget} remain`);
  }
}

/** Malformed XML arguments: the text did not come from this grammar. */
export class XmlParametersSyntaxError extends ToolplanError {
  override name: string = 'XmlParametersSyntaxError';
}
