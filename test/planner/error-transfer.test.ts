/**
 * Every error class the package exports is a ToolplanError, registered for the worker boundary
 * once (error-transfer.ts reads the layers' error modules): each one, thrown in the worker, arrives
 * on the page as an instance of the same class with its name and fields.
 */
import { describe, expect, it } from 'vitest';
import * as aiSdk from '../../src/ai-sdk/index.ts';
import * as api from '../../src/index.ts';
import { reviveError, serializeError } from '../../src/planner/error-transfer.ts';

type Ctor = new (...args: unknown[]) => Error;
const errorClasses = (m: Record<string, unknown>): [string, Ctor][] =>
  Object.entries(m).filter((e): e is [string, Ctor] => typeof e[1] === 'function' && e[1].prototype instanceof Error);

/** An instance made from whatever arguments the constructor takes (strings, numbers or a list of strings serve every one here). */
function instance(C: Ctor): Error {
  for (const args of [['a', 'b', 'c', 'd'], ['a', 1, 2], [1, 2, 3], [['a', 'b']], []]) {
    try {
      return new C(...args);
    } catch {
      // another argument list
    }
  }
  throw new Error(`cannot make a ${C.name}`);
}

const exported = [...errorClasses(api), ...errorClasses(aiSdk).filter(([n]) => !(n in api))];

describe('error classes', () => {
  it('the package exports its error classes (the list below is not empty)', () => {
    expect(exported.length).toBeGreaterThan(30);
    expect(exported.map(([n]) => n)).toContain('UnsupportedRequestError');
  });

  it.each(exported)('%s is a ToolplanError named as exported, and crosses the worker boundary as itself', (name, C) => {
    const e = instance(C);
    expect(e).toBeInstanceOf(api.ToolplanError);
    expect(e.name).toBe(name);
    const back = reviveError(structuredClone(serializeError(e)));
    expect(back).toBeInstanceOf(C);
    expect(back.name).toBe(name);
    expect(back.message).toBe(e.message);
    for (const [k, v] of Object.entries(e)) if (k !== 'cause' && typeof v !== 'function') expect((back as unknown as Record<string, unknown>)[k]).toEqual(v);
  });
});
