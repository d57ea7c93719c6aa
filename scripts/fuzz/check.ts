/** The independent check of a returned plan: structure by hand, args by a fresh ajv 2020-12. */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** name → parameters of each offered tool, as the fuzzer wrote them. */
export function offered(tools: unknown): Map<string, Obj> {
  const m = new Map<string, Obj>();
  if (!Array.isArray(tools)) return m;
  for (const t of tools as unknown[]) {
    if (!isObj(t)) continue;
    const fn = t.type === 'function' && isObj(t.function) ? t.function : t;
    const params = 'inputSchema' in t ? t.inputSchema : fn.parameters;
    if (typeof fn.name === 'string') m.set(fn.name, isObj(params) ? params : { type: 'object', properties: {}, additionalProperties: false });
  }
  return m;
}

/** ajv skips a property named `__proto__`, so schema and data both get it renamed (and `required` entries). */
const PROTO_ALIAS = '__proto\u0000fuzz__';
const alias = (k: string): string => (k === '__proto__' ? PROTO_ALIAS : k);

function renamed(v: unknown, dropSchema: boolean, key = ''): unknown {
  if (Array.isArray(v)) return v.map((x) => (key === 'required' && typeof x === 'string' ? alias(x) : renamed(x, dropSchema)));
  if (!isObj(v)) return v;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) if (!(dropSchema && k === '$schema')) out[alias(k)] = renamed(x, dropSchema, k);
  return out;
}

/** Every object has Object.prototype (arrays Array.prototype), all keys own data properties. */
function plainFaults(v: unknown, at: string): string[] {
  if (Array.isArray(v)) {
    if (Object.getPrototypeOf(v) !== Array.prototype) return [`${at} has an odd prototype`];
    return v.flatMap((x, i) => plainFaults(x, `${at}/${i}`));
  }
  if (typeof v === 'object' && v !== null) {
    if (Object.getPrototypeOf(v) !== Object.prototype) return [`${at} has an odd prototype`];
    const out: string[] = [];
    for (const k of Reflect.ownKeys(v)) {
      const d = Object.getOwnPropertyDescriptor(v, k)!;
      if (typeof k !== 'string' || !('value' in d) || !d.enumerable) out.push(`${at} has an odd key ${String(k)}`);
      else out.push(...plainFaults(d.value, `${at}/${k}`));
    }
    return out;
  }
  if (typeof v === 'number' && !Number.isFinite(v)) return [`${at} is not finite`];
  if (!['string', 'number', 'boolean'].includes(typeof v) && v !== null) return [`${at} is a ${typeof v}`];
  return [];
}

/** Faults of `plan` (empty when it is valid). */
export function planFaults(plan: unknown, tools: unknown, minSteps: number, maxSteps: number): string[] {
  if (!isObj(plan) || !Array.isArray(plan.steps)) return ['no steps array'];
  const steps = plan.steps as unknown[];
  const out: string[] = [];
  if (steps.length < minSteps || steps.length > maxSteps) out.push(`${steps.length} steps, not ${minSteps}..${maxSteps}`);
  const byName = offered(tools);
  const ajv = new Ajv2020({ strict: false, allErrors: true, ownProperties: true, logger: false });
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  steps.forEach((s, i) => {
    const at = `/steps/${i}`;
    if (!isObj(s)) return void out.push(`${at} not an object`);
    const keys = Object.keys(s).sort().join();
    if (keys !== 'args,depends_on,id,tool') out.push(`${at} keys ${keys}`);
    if (s.id !== i + 1) out.push(`${at}/id is ${String(s.id)}`);
    const params = typeof s.tool === 'string' && Object.hasOwn(Object.fromEntries(byName), s.tool) ? byName.get(s.tool) : undefined;
    if (!params) out.push(`${at}/tool ${String(s.tool)} not offered`);
    const d = s.depends_on;
    if (!Array.isArray(d) || !d.every((x, j) => Number.isInteger(x) && x >= 1 && x <= i && (j === 0 || x > d[j - 1]))) out.push(`${at}/depends_on ${JSON.stringify(d)}`);
    if (!isObj(s.args)) return void out.push(`${at}/args not an object`);
    out.push(...plainFaults(s.args, `${at}/args`));
    if (!params) return;
    try {
      const schema = renamed(params, true) as Obj;
      delete schema.$id;
      const validate = ajv.compile(schema);
      if (!validate(renamed(s.args, false))) out.push(`${at}/args: ${ajv.errorsText(validate.errors)}`);
    } catch (e) {
      out.push(`${at}: checker could not compile the schema: ${(e as Error).message}`);
    }
  });
  return out;
}
