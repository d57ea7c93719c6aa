/** Built nodes of checked schemas, shared by every larger schema that embeds the same object. */
import type { Node } from './nodes.ts';

/**
 * Nodes of whole schemas without `$ref`s, by schema object, registered by `checkSchema`: such a node
 * means the same wherever the object appears, so a plan schema embedding 3,000 checked tool schemas
 * reuses their nodes instead of building them again.
 */
const selfContained = new WeakMap<object, { json: string; node: Node }>();

/** The registered node of `raw` if its content is still `json` (checkSchema's view), else undefined. */
export function selfContainedNode(raw: object, json: string): Node | undefined {
  const hit = selfContained.get(raw);
  return hit && hit.json === json ? hit.node : undefined;
}

/** The node `checkSchema` registered for this schema object, if any (content not re-verified). */
export function sharedNodeOf(raw: unknown): Node | undefined {
  return typeof raw === 'object' && raw !== null ? selfContained.get(raw)?.node : undefined;
}

export function registerSelfContained(raw: object, json: string, node: Node): void {
  selfContained.set(raw, { json, node });
}
