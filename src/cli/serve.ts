/**
 * `toolplan serve`: loads the model once and answers OpenAI-compatible Chat Completions on
 * 127.0.0.1 (by default) until SIGINT / SIGTERM.
 */
import { parseArgs } from 'node:util';
import type { ModelDtype } from '../model/index.ts';
import { Planner } from '../planner/index.ts';
import { createPlanServer } from '../server/index.ts';

export async function serve(rest: string[], err: (s: string) => void, usage: (m: string) => Error): Promise<number> {
  let o: Record<string, string | undefined>;
  try {
    ({ values: o } = parseArgs({ args: rest, options: { model: { type: 'string' }, dtype: { type: 'string' }, host: { type: 'string' }, port: { type: 'string' }, 'max-pending': { type: 'string' }, cors: { type: 'string' } } }));
  } catch (e) {
    throw usage((e as Error).message);
  }
  const int = (v: string | undefined, name: string, min: number): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < min) throw usage(`${name} must be an integer ≥ ${min}`);
    return n;
  };
  const port = int(o.port, '--port', 0);
  const maxPending = int(o['max-pending'], '--max-pending', 1);
  const planner = await Planner.create({
    ...(o.model ? { model: o.model } : {}),
    ...(o.dtype ? { dtype: o.dtype as ModelDtype } : {}),
    onProgress: (p) => {
      if (p.status === 'ready') err(`running on ${p.device}: ${p.reason}\n`);
    },
  });
  const server = await createPlanServer(planner, {
    ...(o.host ? { host: o.host } : {}),
    ...(port !== undefined ? { port } : {}),
    ...(maxPending !== undefined ? { maxPending } : {}),
    ...(o.cors ? { corsOrigin: o.cors } : {}),
  });
  err(`toolplan serve: ${planner.info.model} at ${server.url} (POST /chat/completions, GET /models)\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await server.close();
  await planner.dispose();
  return 0;
}
