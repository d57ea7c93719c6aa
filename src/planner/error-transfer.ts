/**
 * Errors keep their class across the worker boundary. Comlink sends only message/name/stack of a
 * thrown Error; this replaces its `throw` handler so our typed errors arrive as instances of the
 * same classes, with their fields (tool, pointer, keyword, url, …), and AbortError stays a
 * DOMException named AbortError.
 */
import { transferHandlers, type TransferHandler } from 'comlink';
import * as grammarErrors from '../grammar/errors.ts';
import * as modelErrors from '../model/errors.ts';
import { ToolplanError } from '../shared/toolplan-error.ts';
import * as plannerErrors from './errors.ts';

type ErrorClass = { prototype: Error; name: string };
const CLASSES = new Map<string, ErrorClass>();
// Keyed by export name, which bundlers keep (they may rename the classes themselves).
const exported = { ...grammarErrors, ...modelErrors, ...plannerErrors, ToolplanError, TypeError, RangeError };
for (const [name, c] of Object.entries(exported)) if (typeof c === 'function') CLASSES.set(name, c as unknown as ErrorClass);

export interface SerializedError {
  isError: true;
  name: string;
  message: string;
  stack?: string | undefined;
  fields: Record<string, unknown>;
}
type Serialized = SerializedError | { isError: false; value: unknown };

/** Own fields that survive structured clone (drops `cause` and functions). */
function fieldsOf(e: Error): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) {
    if (k === 'cause' || typeof v === 'function') continue;
    try {
      structuredClone(v);
      out[k] = v;
    } catch {
      // not cloneable: leave it out
    }
  }
  return out;
}

/** What crosses the boundary for a thrown error: its name, message, stack and cloneable own fields. */
export function serializeError(e: Error): SerializedError {
  return { isError: true, name: e.name, message: e.message, stack: e.stack, fields: fieldsOf(e) };
}

/** Rebuilds an error of the registered class, or a plain Error with the same name. */
export function reviveError(s: SerializedError): Error {
  if (s.name === 'AbortError' || s.name === 'TimeoutError') return new DOMException(s.message, s.name);
  const cls = CLASSES.get(s.name);
  const e = cls ? (Object.create(cls.prototype) as Error) : new Error(s.message);
  Object.assign(e, s.fields);
  Object.defineProperties(e, {
    message: { value: s.message, writable: true, configurable: true },
    name: { value: s.name, writable: true, configurable: true },
    stack: { value: s.stack, writable: true, configurable: true },
  });
  return e;
}

let installed = false;

/** Replaces Comlink's `throw` handler (idempotent); called by the worker and by the client. */
export function installErrorTransfer(): void {
  if (installed) return;
  installed = true;
  const original = transferHandlers.get('throw')!;
  const handler: TransferHandler<{ value: unknown }, Serialized> = {
    canHandle: (v): v is { value: unknown } => original.canHandle(v),
    serialize({ value }) {
      const isErr = value instanceof Error || (typeof DOMException !== 'undefined' && value instanceof DOMException);
      if (!isErr) return [{ isError: false, value }, []];
      return [serializeError(value as Error), []];
    },
    deserialize(s) {
      throw s.isError ? reviveError(s) : s.value;
    },
  };
  transferHandlers.set('throw', handler as TransferHandler<unknown, unknown>);
}
