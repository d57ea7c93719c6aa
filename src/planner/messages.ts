/** Chat messages as callers pass them (a JSON completion's input): checked before any work. */
import type { ChatMessage } from '../model/index.ts';
import { InvalidOptionError } from './errors.ts';

const ROLES = new Set(['system', 'user', 'assistant', 'tool']);

/** Throws InvalidOptionError (option `messages`) unless `m` is a non-empty list of `{ role, content: string }`. */
export function checkMessages(m: unknown): asserts m is ChatMessage[] {
  if (!Array.isArray(m) || m.length === 0) throw new InvalidOptionError('messages', 'must be a non-empty array', m);
  m.forEach((x: unknown, i) => {
    const r = typeof x === 'object' && x !== null ? (x as { role?: unknown; content?: unknown }) : undefined;
    if (!r || typeof r.role !== 'string' || !ROLES.has(r.role)) throw new InvalidOptionError(`messages[${i}].role`, `must be one of ${[...ROLES].join(', ')}`, r?.role);
    if (typeof r.content !== 'string') throw new InvalidOptionError(`messages[${i}].content`, 'must be a string', r.content);
  });
}
