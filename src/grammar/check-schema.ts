/** Checking a schema without a vocabulary, keeping its nodes for schemas that embed it. */
import { UnsatisfiableSchemaError } from './errors.ts';
import { buildAll } from './schema/build-all.ts';
import { SchemaBuilder, type BuildOptions } from './schema/build.ts';
import { defaultSchemaMemo, type SchemaMemo } from './schema/schema-memo.ts';
import { minBytesOf } from './schema/min-bytes.ts';
import { checkPlainJson } from './schema/plain-json.ts';
import { checkWellFormed } from './schema/well-formed.ts';
import { toDraft2020 } from './schema/drafts.ts';

/**
 * Throws the typed errors `compileGrammar` would for `schema` (UnsupportedSchemaError,
 * InvalidSchemaError, UnsatisfiableSchemaError), without a vocabulary, and more: the whole document
 * must be plain JSON and well-formed JSON Schema 2020-12, parts no value reaches included (unused
 * `$defs`), since a validator such as ajv compiles those too (see well-formed.ts). A schema with no
 * `$ref` keeps its built form for this object, so a larger schema that embeds the same object (the
 * planner's plan schema over checked tools) reuses it; the object must not change after a check
 * that is relied on (a changed one is checked and built again on its next check).
 *
 * Unknown keywords and formats constrain nothing and are ignored; `{ strict: true }` refuses them
 * (UnsupportedSchemaError naming the keyword), annotations of JSON Schema 2020-12 aside.
 *
 * @example
 * ```ts
 * import { checkSchema, SchemaError } from 'toolplan';
 *
 * const tools = [{ name: 'search', parameters: { type: 'object', properties: { q: { type: 'string', pattern: '(' } } } }];
 * for (const t of tools) {
 *   try {
 *     checkSchema(t.parameters); // then compile a plan schema embedding them
 *   } catch (e) {
 *     if (e instanceof SchemaError) console.error(`${t.name}: ${e.message}`); // names the pointer, #/properties/q/pattern
 *   }
 * }
 * ```
 */
export function checkSchema(schema: unknown, options: BuildOptions = {}): void {
  checkSchemaIn(defaultSchemaMemo, schema, options);
}

/**
 * checkSchema against `memo` (a GrammarCompiler's). `json`: the schema's JSON when the caller has it
 * already (the planner's tool set computes it once per call); a registered node is reused only while
 * the content is unchanged, so a schema edited in place is checked and built again.
 */
export function checkSchemaIn(memo: SchemaMemo, schema: unknown, options: BuildOptions = {}, json?: string): void {
  const strict = options.strict ?? false;
  // First: JSON.stringify below throws a bare TypeError on a BigInt or a cycle.
  checkPlainJson(schema);
  // An older draft is checked in the 2020-12 form it is read in; only unchanged schemas are shared.
  const s = toDraft2020(schema);
  const key = typeof schema === 'object' && schema !== null && s === schema ? schema : null;
  const text = key ? (json ?? JSON.stringify(schema)) : '';
  if (key && memo.selfContainedNode(key, text, strict)) return;
  checkWellFormed(s, memo);
  const builder = new SchemaBuilder(s, { strict, memo });
  const root = builder.rootNode();
  buildAll(root);
  if (minBytesOf(root) === Infinity) throw new UnsatisfiableSchemaError('no JSON document satisfies this schema', '');
  if (key && !builder.usedRefs) memo.registerSelfContained(key, text, root, strict);
}
