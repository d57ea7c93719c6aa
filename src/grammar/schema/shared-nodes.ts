/** Built nodes of checked schemas, shared by every larger schema that embeds the same object. */
import type { Node } from './nodes.ts';

/**
 * Nodes of whole schemas without `$ref`s, by schema object, registered by `checkSchema`: such a node
 * means the same wherever the object appears, so a plan schema embedding 3,000 checked tool schemas
 * reuses their nodes instead of building them again.
 */
const selfContained = new WeakMap<object, { json: string; node: Node; strict: boolean }>();

/**
 * The registered node of `raw` if its content is still `json` (checkSchema's view), else undefined.
 * A strict reading needs a node checked strictly (a node that passed one reads the same either way).
 */
export function selfContainedNode(raw: object, json: string, strict: boolean): Node | undefined {
  const hit = selfContained.get(raw);
  return hit && hit.json === json && (hit.strict || !strict) ? hit.node : undefined;
}

/** The node `checkSchema` registered for this schema object, if any (content not re-verified). */
export function sharedNodeOf(raw: unknown, strict: boolean): Node | undefined {
  const hit = typeof raw === 'object' && raw !== null ? selfContained.get(raw) : undefined;
  return hit && (hit.strict || !strict) ? hit.node : undefined;
}

export function registerSelfContained(raw: object, json: string, node: Node, strict: boolean): void {
  const old = selfContained.get(raw);
  // A strict check's entry stays: it serves both readings.
  if (old && old.json === json && old.strict) return;
  selfContained.set(raw, { json, node, strict });
}
