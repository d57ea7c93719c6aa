/**
 * Independent re-validation of a generated plan: the plan schema's structure (step count, ids in
 * order, offered tool names, dependencies on earlier steps only, no other keys) checked directly,
 * and each step's arguments checked with ajv (draft 2020-12, formats on) against its tool's own
 * parameters. The grammar makes failure impossible; this check keeps it honest.
 *
 * Why not ajv on the whole plan schema: it is a oneOf over every tool for every step, and ajv's
 * code generation for it takes ~0.7 s at 50 tools and minutes at 3,000; per-tool validators are
 * compiled only for the tools a plan uses, and cached.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { toDraft2020 } from '../grammar/index.ts';
import { LruCache } from '../shared/lru.ts';
import { PlanValidationError } from './errors.ts';
import { withSortedDependencies, type Plan } from './plan.ts';
import { ToolSet } from './tool-set.ts';
import type { JsonSchema, Tool } from './tools.ts';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Made on first use: an instance built at import would stay in every bundle that imports the package. */
let ajv: Ajv2020 | undefined;
function ajvInstance(): Ajv2020 {
  if (!ajv) {
    // ownProperties: present means own, as in JSON (not `constructor` from Object.prototype).
    // logger: false — an unknown format is an annotation here, not worth a console warning per tool.
    ajv = new Ajv2020({ strict: false, allErrors: true, ownProperties: true, logger: false });
    (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  }
  return ajv;
}

/**
 * ajv skips a property named `__proto__` (a prototype-pollution guard), so schema and data both get
 * such names renamed by a bijection: one more NUL before `\0*__proto__`, every other name kept.
 */
const PROTO = /^\0*__proto__$/;
const escapeName = (k: string): string => (PROTO.test(k) ? `\0${k}` : k);
const unescapeName = (k: string): string => (PROTO.test(k) && k.startsWith('\0') ? k.slice(1) : k);
/** A pointer segment renamed alike (every key of the schema copy is). */
const escapeSegment = (p: string): string => (/^(?:%00|\0)*__proto__$/i.test(p) ? `%00${p}` : p);

/** A copy of JSON data with names escaped (fromEntries defines keys, it never sets a prototype). */
function escapeData(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(escapeData);
  if (!isObject(v)) return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [escapeName(k), escapeData(x)]));
}

/** Keywords whose value is a schema or a list of schemas, and those that map names to schemas. */
const SUBSCHEMA = new Set(['items', 'prefixItems', 'additionalItems', 'additionalProperties', 'anyOf', 'oneOf', 'allOf', 'not', 'if', 'then', 'else', 'contains', 'propertyNames', 'unevaluatedItems', 'unevaluatedProperties']);
const SCHEMA_MAP = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);

function keywordForAjv(k: string, v: unknown): unknown {
  if (SUBSCHEMA.has(k)) return Array.isArray(v) ? v.map(escapedForAjv) : escapedForAjv(v);
  if (SCHEMA_MAP.has(k) && isObject(v)) return Object.fromEntries(Object.entries(v).map(([n, s]) => [escapeName(n), escapedForAjv(s)]));
  if (k === 'required' && Array.isArray(v)) return v.map((n: unknown) => (typeof n === 'string' ? escapeName(n) : n));
  if (k === '$ref' && typeof v === 'string' && v.startsWith('#')) return v.split('/').map((p, i) => (i ? escapeSegment(p) : p)).join('/');
  return escapeData(v);
}

/**
 * A tool schema as ajv gets it, a copy: in 2020-12 form (older drafts rewritten as the engine reads
 * them, toDraft2020), names escaped, and no `$schema` or `id` anywhere: ajv would look the URI up
 * and throw for any draft but 2020-12 (or an unknown URI), and it throws on `id`.
 */
function schemaForAjv(s: unknown): unknown {
  return escapedForAjv(toDraft2020(s));
}

function escapedForAjv(s: unknown): unknown {
  if (!isObject(s)) return s;
  const out: Record<string, unknown> = {};
  // `id` is draft-04's `$id` (rewritten by then for a draft-04 document); ajv 8 throws on it, JSON Schema 2020-12 ignores it.
  for (const [k, v] of Object.entries(s)) if (k !== '$schema' && k !== 'id') out[escapeName(k)] = keywordForAjv(k, v);
  return out;
}

/**
 * ajv's validators by schema content, least recently used first. ajv keeps every schema object it
 * compiled (a Map keyed by the object), so keying by object grew without end when each call brings
 * fresh tool objects (a server parsing each request, an app rebuilding its tools): the oldest are
 * removed from ajv too.
 */
const VALIDATORS = 256;
const validators = new LruCache<string, { copy: JsonSchema; validate: ValidateFunction }>(VALIDATORS, (_json, old) => ajvInstance().removeSchema(old.copy));

/** ajv's validator for a tool's parameters (or any schema), compiled once per distinct content (`json`: its JSON, when read already). */
function validatorFor(schema: JsonSchema, json = JSON.stringify(schema)): ValidateFunction {
  let v = validators.lookup(json);
  if (v) return v.validate;
  const copy = schemaForAjv(schema) as JsonSchema;
  // The engine resolves local refs only, so a root `$id` means nothing to it; to ajv it is a
  // registry key that a fresh copy of the same tool (a new tools array per call) would clash with.
  delete copy.$id;
  validators.set(json, (v = { copy, validate: ajvInstance().compile(copy) }));
  return v.validate;
}

/** @internal Validators held here and schemas held by ajv (for the test that bounds them). */
export function validatorsHeld(): { here: number; ajv: number } {
  return { here: validators.size, ajv: (ajvInstance() as unknown as { _cache: Map<unknown, unknown> })._cache.size };
}

/** The faults of `args` against `schema`, with pointers (under `at`) and names as the plan has them. */
function argFaults(schema: JsonSchema, args: unknown, at: string, json?: string): string[] {
  const v = validatorFor(schema, json);
  if (v(escapeData(args))) return [];
  return (v.errors ?? []).map((e) => {
    const path = e.instancePath.split('/').map(unescapeName).join('/');
    const message = (e.message ?? '').replace(/'\0(\0*__proto__)'/g, "'$1'");
    return `${at}${path} ${message}`;
  });
}

const STEP_KEYS = ['id', 'tool', 'args', 'depends_on'];

/** The structural faults of `value` as a plan over `tools` with minSteps..maxSteps steps. */
function faults(value: unknown, tools: ReadonlyMap<string, { tool: Tool; json: string | undefined }>, minSteps: number, maxSteps: number): string[] {
  if (!isObject(value) || Object.keys(value).join() !== 'steps' || !Array.isArray(value.steps)) return ['/ must be {"steps": [...]}'];
  const steps: unknown[] = value.steps;
  const out: string[] = [];
  if (steps.length < minSteps || steps.length > maxSteps) out.push(`/steps must have ${minSteps}..${maxSteps} steps`);
  steps.forEach((s, i) => {
    const at = `/steps/${i}`;
    const k = i + 1;
    // Own keys only: `in` would also see what the prototype has.
    if (!isObject(s) || Object.keys(s).length !== 4 || !STEP_KEYS.every((key) => Object.hasOwn(s, key))) {
      out.push(`${at} must have exactly id, tool, args, depends_on`);
      return;
    }
    if (s.id !== k) out.push(`${at}/id must be ${k}`);
    const offered = typeof s.tool === 'string' ? tools.get(s.tool) : undefined;
    const tool = offered?.tool;
    if (!tool) out.push(`${at}/tool must be one of the offered tools`);
    const deps = s.depends_on;
    if (!Array.isArray(deps) || deps.length > k - 1 || !deps.every((d) => Number.isInteger(d) && d >= 1 && d < k)) {
      out.push(`${at}/depends_on must list ids of earlier steps`);
    }
    if (tool) out.push(...argFaults(tool.parameters, s.args, `${at}/args`, offered.json));
  });
  return out;
}

/**
 * Checks `value` as a plan over `tools`; returns it as a Plan (dependencies sorted, deduplicated) or
 * throws PlanValidationError. A ToolSet's schemas are read as the set read them when its call began.
 */
export function validatePlan(value: unknown, tools: readonly Tool[] | ToolSet, minSteps: number, maxSteps: number): Plan {
  const list = tools instanceof ToolSet ? tools.tools : tools;
  const byName = new Map(list.map((t, i) => [t.name, { tool: t, json: tools instanceof ToolSet ? tools.parametersJson(i) : undefined }]));
  const errors = faults(value, byName, minSteps, maxSteps);
  if (errors.length) throw new PlanValidationError(errors);
  const plan = value as Plan;
  for (const s of plan.steps) withSortedDependencies(s);
  return plan;
}

/** `value` if it is valid against `schema` (a JSON completion's output), else PlanValidationError with the faults. */
export function validateValue(value: unknown, schema: JsonSchema): unknown {
  const errors = argFaults(schema, value, '');
  if (errors.length) throw new PlanValidationError(errors);
  return value;
}
