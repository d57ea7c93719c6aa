/**
 * `toolplan serve`: an OpenAI-compatible `/v1/chat/completions` on node:http, answered by a local
 * planner under toolplan's own engine: `tools` → `tool_calls` of a plan valid by construction,
 * `response_format` json_schema / json_object → JSON valid against the schema. Bound to 127.0.0.1
 * unless told otherwise; requests queue on the one model (bounded: 429 past `maxPending`).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toOpenAIToolCalls, ToolplanError, type Planner, type PlanResult, type PlanStats } from '../index.ts';
import { readChatRequest, type ChatCall } from './chat-request.ts';
import { HttpError } from './http-error.ts';

export interface PlanServerOptions {
  /** Interface to bind (default 127.0.0.1: loopback only). */
  host?: string;
  /** Port (default 8080; 0 picks a free one). */
  port?: number;
  /** Requests admitted at once, running or queued (default 256); beyond that, 429. */
  maxPending?: number;
  /** Largest request body in bytes (default 8 MiB: a plan over thousands of tools is big). */
  maxBodyBytes?: number;
  /** `Access-Control-Allow-Origin` for browser clients (default none: no cross-origin page may call it). */
  corsOrigin?: string;
}

export interface PlanServer {
  /** `http://host:port/v1`, the base URL clients take. */
  readonly url: string;
  close(): Promise<void>;
}

const BAD_REQUEST = new Set(['InvalidOptionError', 'BudgetExceededError', 'ToolDefinitionError', 'PromptTooLongError', 'SchemaError', 'InvalidSchemaError', 'UnsupportedSchemaError', 'UnsatisfiableSchemaError']);

/** Any error as an HttpError: bad input 400 (named by its class), a disposed planner 503, the rest 500. */
function httpErrorOf(e: unknown): HttpError {
  if (e instanceof HttpError) return e;
  if (e instanceof ToolplanError) {
    if (BAD_REQUEST.has(e.name)) return new HttpError(400, e.message, 'invalid_request_error', null, e.name);
    if (e.name === 'PlannerDisposedError') return new HttpError(503, e.message, 'server_error', null, e.name);
    return new HttpError(500, e.message, 'server_error', null, e.name);
  }
  return new HttpError(500, e instanceof Error ? e.message : String(e), 'server_error');
}

function readBody(req: IncomingMessage, limit: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new HttpError(413, `the body exceeds ${limit} bytes`, 'invalid_request_error'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch (e) {
        reject(new HttpError(400, `the body is not JSON: ${(e as Error).message}`, 'invalid_request_error'));
      }
    });
    req.on('error', reject);
  });
}

const usageOf = (s: PlanStats) => ({ prompt_tokens: s.promptTokens, completion_tokens: s.tokens, total_tokens: s.promptTokens + s.tokens, prompt_tokens_details: { cached_tokens: s.promptTokens - s.prefilledTokens } });

/** Serves `planner` (whose model id the responses carry) until `close()`. */
export async function createPlanServer(planner: Planner, options: PlanServerOptions = {}): Promise<PlanServer> {
  const maxPending = options.maxPending ?? 256;
  const maxBody = options.maxBodyBytes ?? 8 * 1024 * 1024;
  const model = planner.info.model;
  let pending = 0;
  let serial = 0;

  const send = (res: ServerResponse, status: number, body: unknown): void => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };

  async function completion(call: ChatCall, signal: AbortSignal, res: ServerResponse): Promise<void> {
    const id = `chatcmpl-toolplan-${++serial}`;
    const created = Math.floor(Date.now() / 1000);
    const head = { id, created, model };
    const sse = call.stream;
    const chunk = (delta: Record<string, unknown>, finish: string | null = null): void => {
      res.write(`data: ${JSON.stringify({ ...head, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`);
    };
    if (sse) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      chunk({ role: 'assistant', content: call.kind === 'json' ? '' : null });
    }
    let message: Record<string, unknown>;
    let finish: string;
    let stats: PlanStats;
    let extra: Record<string, unknown> = {};
    if (call.kind === 'plan') {
      let result: PlanResult | undefined;
      if (sse) {
        let index = 0;
        for await (const e of planner.stream(call.query, call.tools, { ...call.options, signal })) {
          if (e.type === 'step') {
            chunk({ tool_calls: [{ index: index++, id: `call_${e.step.id}`, type: 'function', function: { name: e.step.tool, arguments: JSON.stringify(e.step.args) } }] });
          } else if (e.type === 'done') result = e.result;
        }
      } else result = await planner.plan(call.query, call.tools, { ...call.options, signal });
      const calls = toOpenAIToolCalls(result!.plan);
      message = { role: 'assistant', content: null, ...(calls.length ? { tool_calls: calls } : {}) };
      finish = calls.length ? 'tool_calls' : 'stop';
      stats = result!.stats;
      // The plan itself, dependencies included (OpenAI's tool_calls have no place for them).
      extra = { toolplan: { plan: result!.plan } };
    } else {
      const r = await planner.generateJson(call.messages, call.schema, { ...call.options, tools: call.tools, signal, ...(sse ? { onToken: (t: string) => t && chunk({ content: t }) } : {}) });
      message = { role: 'assistant', content: r.text };
      finish = 'stop';
      stats = r.stats;
    }
    if (sse) {
      chunk({}, finish);
      if (call.usage) res.write(`data: ${JSON.stringify({ ...head, object: 'chat.completion.chunk', choices: [], usage: usageOf(stats) })}\n\n`);
      res.end('data: [DONE]\n\n');
    } else send(res, 200, { ...head, object: 'chat.completion', choices: [{ index: 0, message, finish_reason: finish, logprobs: null }], usage: usageOf(stats), ...extra });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (options.corsOrigin) {
      res.setHeader('access-control-allow-origin', options.corsOrigin);
      res.setHeader('access-control-allow-headers', 'content-type, authorization');
      res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
    }
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    if (req.method === 'GET' && path === '/health') return send(res, 200, { status: 'ok', model, pending });
    if (req.method === 'GET' && path === '/v1/models') return send(res, 200, { object: 'list', data: [{ id: model, object: 'model', created: 0, owned_by: 'toolplan' }] });
    if (path !== '/v1/chat/completions') return send(res, 404, new HttpError(404, `no route ${req.method} ${path}`, 'invalid_request_error').body());
    if (req.method !== 'POST') return send(res, 405, new HttpError(405, 'use POST', 'invalid_request_error').body());
    if (pending >= maxPending) {
      res.setHeader('retry-after', '1');
      return send(res, 429, new HttpError(429, `${pending} requests are pending (maxPending ${maxPending})`, 'rate_limit_error').body());
    }
    pending++;
    // A client that goes away stops its plan between two forward passes.
    const gone = new AbortController();
    res.on('close', () => res.writableFinished || gone.abort(new DOMException('the client closed the connection', 'AbortError')));
    try {
      const call = readChatRequest(await readBody(req, maxBody));
      await completion(call, gone.signal, res);
    } catch (e) {
      if (gone.signal.aborted) return;
      const h = httpErrorOf(e);
      if (res.headersSent) res.end(`data: ${JSON.stringify(h.body())}\n\ndata: [DONE]\n\n`);
      else send(res, h.status, h.body());
    } finally {
      pending--;
    }
  }

  const server: Server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8080, options.host ?? '127.0.0.1', () => resolve());
  });
  const a = server.address() as AddressInfo;
  const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
  return {
    url: `http://${host}:${a.port}/v1`,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
