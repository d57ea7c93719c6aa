/**
 * The one base class of every error toolplan throws on purpose, so `e instanceof ToolplanError`
 * catches "any toolplan error" whichever module (grammar, model, planner) raised it. A leaf module:
 * the grammar and the model both import it without importing each other.
 */

/** Base class of all of toolplan's typed errors. */
export class ToolplanError extends Error {
  override name: string = 'ToolplanError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    // Each subclass names itself in a field: bundlers minify class names, and the worker revives errors by name.
  }
}
