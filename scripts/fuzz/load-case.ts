/**
 * The fuzzer's load class: `Planner.create` from a model server on 127.0.0.1 that misbehaves on one
 * file (stalls, drips, never answers, 404/500, an HTML fallback, a cut or corrupted body), with a
 * short stall timeout and sometimes a cancel signal. A load must end, in a planner that plans or a
 * typed error, within a bound: never an untyped error or a load that hangs.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { normalize, resolve } from 'node:path';
import { Planner } from '../../src/planner/index.ts';
import { Rng } from './rng.ts';

export const FAULTS = ['ok', 'stall', 'drip', 'no-headers', '404', '500', 'flaky-500', 'html', 'truncated', 'reset', 'corrupt'] as const;
export type Fault = (typeof FAULTS)[number];
const FILES = ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/decoder_model_merged_q4.onnx', 'onnx/embed_tokens_q4.onnx'];

/** One file's fault, set per case. */
export interface FaultPlan {
  file: string;
  fault: Fault;
}

/** Serves `fixtures/models/` with the current case's fault on one file; every other file as is. */
export class FaultyModelServer {
  plan: FaultPlan = { file: '', fault: 'ok' };
  private readonly served = new Map<string, number>();
  private constructor(private readonly server: Server, readonly base: string) {}

  static async start(root: string): Promise<FaultyModelServer> {
    let self: FaultyModelServer | undefined;
    const bytes = new Map<string, Buffer>();
    const server = createServer((req, res) => {
      const path = normalize(decodeURIComponent((req.url ?? '/').split('?')[0]!)).replace(/^\/+/, '');
      const abs = resolve(root, path);
      let body = bytes.get(abs);
      if (!body) {
        try {
          if (!abs.startsWith(root)) throw new Error('outside');
          body = readFileSync(abs);
          bytes.set(abs, body);
        } catch {
          res.writeHead(404).end('not found');
          return;
        }
      }
      self!.answer(path, body, req.method === 'HEAD', res);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    self = new FaultyModelServer(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    return self;
  }

  /** A fresh fault for the next load. */
  next(plan: FaultPlan): void {
    this.plan = plan;
    this.served.clear();
  }

  private answer(path: string, body: Buffer, head: boolean, res: import('node:http').ServerResponse): void {
    const hit = path.endsWith(this.plan.file) ? this.plan.fault : 'ok';
    const n = (this.served.get(path) ?? 0) + 1;
    this.served.set(path, n);
    const len = { 'content-length': body.length };
    switch (hit) {
      case 'stall':
        res.writeHead(200, len);
        res.write(body.subarray(0, 10)); // then nothing
        return;
      case 'drip': {
        res.writeHead(200, len);
        let at = 0;
        const t = setInterval(() => (at < body.length ? res.write(body.subarray(at, (at += 16))) : res.end()), 20);
        res.on('close', () => clearInterval(t));
        return;
      }
      case 'no-headers':
        return;
      case '404':
        res.writeHead(404).end('not found');
        return;
      case '500':
        res.writeHead(500).end('boom');
        return;
      case 'flaky-500':
        if (n === 1) return void res.writeHead(500).end('boom');
        break;
      case 'html':
        res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><div id="app"></div>');
        return;
      case 'truncated':
        res.writeHead(200, len);
        res.end(body.subarray(0, body.length >> 1)); // ends short of content-length
        return;
      case 'reset':
        res.writeHead(200, len);
        res.write(body.subarray(0, body.length >> 1), () => res.destroy());
        return;
      case 'corrupt': {
        const bad = Buffer.from(body);
        for (let i = 0; i < bad.length; i += 97) bad[i] = bad[i]! ^ 0x5a;
        res.writeHead(200, len).end(head ? undefined : bad);
        return;
      }
      case 'ok':
        break;
    }
    res.writeHead(200, len).end(head ? undefined : body);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

/** A drawn load: its fault, timeouts, and the `create` call to run (it rejects with what the load threw). */
export interface DrawnLoad {
  fault: FaultPlan;
  stallTimeoutMs: number;
  cancelAfterMs?: number;
  create: () => Promise<Planner>;
}

/** Draws a fault, a stall timeout and maybe a cancel, for one load of `model` through `server`. */
export function drawLoad(server: FaultyModelServer, r: Rng, model: string): DrawnLoad {
  const fault: FaultPlan = { file: r.pick(FILES), fault: r.pick(FAULTS) };
  const stallTimeoutMs = r.int(150, 600);
  const cancelAfterMs = r.chance(0.25) ? r.int(1, 800) : undefined;
  const create = (): Promise<Planner> => {
    server.next(fault);
    const signal = cancelAfterMs === undefined ? undefined : AbortSignal.timeout(cancelAfterMs);
    return Planner.create({ model: `${server.base}${model}/`, dtype: 'q4', stallTimeoutMs, useCache: false, ...(signal ? { signal } : {}) });
  };
  return { fault, stallTimeoutMs, ...(cancelAfterMs === undefined ? {} : { cancelAfterMs }), create };
}

export const fixturesRoot = (): string => resolve(import.meta.dirname, '../../fixtures/models');
