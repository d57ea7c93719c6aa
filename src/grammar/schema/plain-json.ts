/**
 * Is a schema plain JSON? Tool definitions are JavaScript values, and what JSON cannot carry
 * (undefined, BigInt, NaN, functions, class instances, cycles, holes) either throws deep inside
 * JSON.stringify or silently changes meaning on the way to the model and the re-validation.
 */
import { InvalidSchemaError } from '../errors.ts';
import { REFUSED, STRICT_ANNOTATIONS, SUPPORTED } from './keywords.ts';

/** Deeper than this is refused rather than risking a stack overflow in the recursive passes after. */
export const MAX_DEPTH = 256;

const escapePointer = (s: string) => s.replaceAll('~', '~0').replaceAll('/', '~1');

function kindOf(v: object): string {
  const proto: unknown = Object.getPrototypeOf(v);
  const name = typeof proto === 'object' && proto !== null && typeof proto.constructor === 'function' ? proto.constructor.name : '';
  return name ? `a ${name} instance` : 'an object with a custom prototype';
}

/** What is wrong with `v` itself (not its members), or '' when it is a JSON scalar or a plain container. */
function fault(v: unknown): string {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return '';
    case 'number':
      return Number.isFinite(v) ? '' : `${v}`;
    case 'object':
      if (v === null) return '';
      if (Array.isArray(v)) return Object.getPrototypeOf(v) === Array.prototype ? '' : kindOf(v);
      return Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null ? '' : kindOf(v);
    case 'undefined':
      return 'undefined';
    default:
      return `a ${typeof v}`;
  }
}

class Walk {
  /** Containers from the root down, and the keys between them: pointers are made on error only. */
  private readonly open: object[] = [];
  private readonly keys: string[] = [];

  private fail(what: string, depth = this.keys.length): never {
    throw new InvalidSchemaError(what, this.keys.slice(0, depth).map((k) => `/${escapePointer(k)}`).join(''));
  }

  value(v: unknown): void {
    const f = fault(v);
    if (f) this.fail(`${f} is not JSON`);
    if (typeof v !== 'object' || v === null) return;
    // A cycle goes on forever, so it ends here too: no per-value cycle bookkeeping on the way.
    if (this.open.length >= MAX_DEPTH) {
      const again = this.open.findIndex((o, i) => this.open.indexOf(o) < i);
      if (again >= 0) this.fail('a cycle is not JSON (this value contains itself)', again);
      this.fail(`nested deeper than ${MAX_DEPTH} levels`);
    }
    this.open.push(v);
    if (Array.isArray(v)) this.array(v);
    else this.object(v);
    this.open.pop();
  }
  private array(a: unknown[]): void {
    for (let i = 0; i < a.length; i++) {
      if (!Object.hasOwn(a, i)) this.fail(`a sparse array is not JSON (no item ${i})`);
      this.keys.push(String(i));
      this.value(a[i]);
      this.keys.pop();
    }
    // Named members next to the items: JSON.stringify drops them, so they would vanish silently.
    if (Reflect.ownKeys(a).length !== a.length + 1) this.fail('an array with named members is not JSON');
  }

  private object(o: object): void {
    for (const k of Reflect.ownKeys(o)) {
      if (typeof k === 'symbol') this.fail(`a symbol key (${String(k)}) is not JSON`);
      this.keys.push(k);
      const d = Object.getOwnPropertyDescriptor(o, k)!;
      // Getters may answer differently per read.
      if (!('value' in d)) this.fail('a getter or setter is not JSON');
      if (!d.enumerable) {
        // A hidden keyword is read by the engine and the validator but dropped by JSON (the prompt,
        // the cache key): refused. Other hidden members are no part of the schema for any reader:
        // zod 4's `z.toJSONSchema` hangs its Standard Schema interface (`~standard`) there.
        if (SUPPORTED.has(k) || REFUSED.has(k) || STRICT_ANNOTATIONS.has(k)) this.fail('a non-enumerable keyword is not JSON');
        this.keys.pop();
        continue;
      }
      this.value(d.value);
      this.keys.pop();
    }
  }
}

/**
 * Throws InvalidSchemaError with the JSON pointer of the first value in `schema` that is not plain
 * JSON: a non-finite number, undefined, a BigInt, function or symbol, an instance of a class (Date,
 * Map, …), a getter, a symbol key or non-enumerable keyword, a sparse array, a cycle. Other
 * non-enumerable members are skipped: no reader of the schema sees them.
 *
 * For example (internal, not exported from the package):
 * ```ts
 * checkPlainJson({ enum: [1n] }); // InvalidSchemaError: a bigint is not JSON (at #/enum/0)
 * ```
 */
export function checkPlainJson(schema: unknown): void {
  new Walk().value(schema);
}
