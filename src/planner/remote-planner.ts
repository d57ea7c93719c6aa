/**
 * Plans from a server: the same `plan()` / `stream()` against an OpenAI-compatible
 * `/v1/chat/completions` that constrains output with `response_format: json_schema` (vLLM, SGLang,
 * llama.cpp's server, `toolplan serve`). The request holds the plan schema of the tools; the answer
 * is re-validated exactly as a local plan is, so a server whose grammar skipped a keyword yields a
 * PlanValidationError, never a wrong plan.
 */
import { now } from '../shared/clock.ts';
import { checkTools } from './check-tools.ts';
import { InvalidOptionError, PlannerDisposedError, RemoteError } from './errors.ts';
import { streamOf } from './event-queue.ts';
import { withSortedDependencies, type Plan, type PlanStep } from './plan.ts';
import { checkQuery, DEFAULT_MAX_STEPS, DEFAULT_MAX_TOKENS } from './plan-request.ts';
import { checkPlanOptions } from './plan-options.ts';
import { planSchema } from './plan-schema.ts';
import { DEFAULT_PRESET, type ModelPreset } from './presets.ts';
import { sseData } from './sse.ts';
import { shortlistOptionsOf, shortlistTools } from './shortlist.ts';
import { StepScanner } from './step-scanner.ts';
import { normalizeTools, toTemplateTools, type Tool, type ToolInput } from './tools.ts';
import type { PlanEvent, PlannerCheckOptions, PlannerInfo, PlanOptions, PlanResult, PlanStats, ToolPlanner } from './types.ts';
import { validatePlan } from './validate-plan.ts';

/** Options of `new RemotePlanner(…)`. */
export interface RemotePlannerOptions {
  /** The server's OpenAI base URL, e.g. `http://127.0.0.1:8080/v1` (`/chat/completions` is appended). */
  baseURL: string;
  /** The model name the server knows. */
  model: string;
  /** Sent as `Authorization: Bearer …`. */
  apiKey?: string;
  headers?: Record<string, string>;
  /** Longest a call may take, in ms, streaming included (default 120 000): then RemoteError `timeout`. */
  timeoutMs?: number;
  /** Extra fields merged into every request body (e.g. vLLM's `structured_outputs` or `priority`). */
  body?: Record<string, unknown>;
  /** The system prompt and thinking switch (default: the AgentJSON preset's). */
  preset?: Partial<ModelPreset>;
  /** Refuse keywords the engine does not enforce, as `PlannerOptions.strictSchemas` (default false). */
  strictSchemas?: boolean;
  /** The fetch to use (default the global one). */
  fetch?: typeof fetch;
}

interface Completion {
  choices?: { message?: { content?: unknown }; delta?: { content?: unknown }; finish_reason?: unknown }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number; prompt_tokens_details?: { cached_tokens?: number } };
}

/** The server writes the JSON plan under `response_format`: the native tool-call format has no schema to send. */
function stepsOnly(format: unknown): void {
  if (format !== undefined && format !== 'steps') throw new InvalidOptionError('format', 'a remote planner plans in the steps format', format);
}

/**
 * A `ToolPlanner` whose model runs on a server: plans over OpenAI-compatible Chat Completions with
 * the plan schema as `response_format`, re-validated here.
 *
 * @example
 * ```ts
 * import { RemotePlanner } from 'toolplan';
 *
 * const planner = new RemotePlanner({ baseURL: 'http://127.0.0.1:8000/v1', model: 'Qwen/Qwen3.5-0.8B' });
 * const { plan } = await planner.plan('Weather in Lisbon', [
 *   { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
 * ]);
 * console.log(plan.steps);
 * ```
 */
export class RemotePlanner implements ToolPlanner {
  readonly info: PlannerInfo;
  private readonly preset: ModelPreset;
  private disposed = false;
  private readonly live = new Set<AbortController>();

  constructor(private readonly options: RemotePlannerOptions) {
    if (typeof options?.baseURL !== 'string' || !/^https?:\/\//.test(options.baseURL)) throw new InvalidOptionError('baseURL', 'must be an http(s) URL', options?.baseURL);
    if (typeof options.model !== 'string' || !options.model) throw new InvalidOptionError('model', 'must be a non-empty string', options.model);
    this.preset = { ...DEFAULT_PRESET, ...options.preset };
    this.info = { model: options.model, device: 'remote', reason: `served by ${options.baseURL}`, dtype: 'unknown', format: 'steps', toolCallSyntax: this.preset.toolCallSyntax ?? 'xml' };
  }

  async checkTools(tools: readonly ToolInput[], options: PlannerCheckOptions = {}): Promise<Tool[]> {
    stepsOnly(options.format);
    return checkTools(tools, { strict: this.options.strictSchemas ?? false, format: 'steps' });
  }

  plan(query: string, tools: readonly ToolInput[], options: PlanOptions = {}): Promise<PlanResult> {
    return this.run(query, tools, options, undefined);
  }

  stream(query: string, tools: readonly ToolInput[], options: PlanOptions = {}): AsyncIterableIterator<PlanEvent> {
    return streamOf<PlanEvent>(options.signal, (signal, emit) => this.run(query, tools, { ...options, signal }, emit));
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    for (const c of this.live) c.abort(new PlannerDisposedError());
  }

  private async run(query: string, toolInput: readonly ToolInput[], o: PlanOptions, emit: ((e: PlanEvent) => void) | undefined): Promise<PlanResult> {
    const t0 = now();
    if (this.disposed) throw new PlannerDisposedError();
    checkQuery(query);
    checkPlanOptions(o);
    stepsOnly(o.format);
    const all = normalizeTools(toolInput);
    const shortlist = o.shortlist === undefined ? undefined : await shortlistTools(query, all, shortlistOptionsOf(o.shortlist));
    const tools = await this.checkTools(shortlist?.tools ?? all);
    const minSteps = o.minSteps ?? 1;
    const maxSteps = o.maxSteps ?? DEFAULT_MAX_STEPS;
    const maxTokens = o.maxTokens ?? DEFAULT_MAX_TOKENS;
    const body = {
      model: this.options.model,
      messages: [
        { role: 'system', content: this.preset.systemPrompt },
        { role: 'user', content: query },
      ],
      // In the prompt, as the chat template lays them out; not to be called: the answer is the plan.
      tools: toTemplateTools(tools),
      tool_choice: 'none',
      response_format: { type: 'json_schema', json_schema: { name: 'plan', schema: planSchema(tools, maxSteps, minSteps), strict: true } },
      max_tokens: maxTokens,
      temperature: o.temperature ?? 0,
      ...(o.topP !== undefined ? { top_p: o.topP } : {}),
      ...(o.topK !== undefined ? { top_k: o.topK } : {}),
      ...(o.seed !== undefined ? { seed: o.seed } : {}),
      chat_template_kwargs: { enable_thinking: this.preset.enableThinking ?? false },
      ...(emit ? { stream: true, stream_options: { include_usage: true } } : {}),
      ...this.options.body,
    };
    const { text, finish, usage, ttftMs } = await this.request(body, o.signal, emit);
    if (finish === 'length') throw new RemoteError('length', `the server stopped at max_tokens (${maxTokens}) before the plan was complete`);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new RemoteError('protocol', `the server's answer is not JSON (finish_reason ${String(finish)}): ${text.slice(0, 200)}`, undefined, undefined, { cause: e });
    }
    const plan: Plan = validatePlan(value, tools, minSteps, maxSteps);
    const totalMs = now() - t0;
    const promptTokens = usage?.prompt_tokens ?? 0;
    const tokens = usage?.completion_tokens ?? 0;
    const stats: PlanStats = {
      promptTokens,
      prefilledTokens: promptTokens - (usage?.prompt_tokens_details?.cached_tokens ?? 0),
      tokens,
      forcedTokens: 0,
      forwardPasses: tokens,
      ttftMs,
      totalMs,
      tokensPerSecond: tokens / (totalMs / 1000),
      budgetLimited: false,
      device: 'remote',
    };
    const result: PlanResult = { plan, text, format: 'steps', stats, ...(shortlist ? { shortlist: shortlist.report } : {}) };
    emit?.({ type: 'done', result });
    return result;
  }

  /** One POST; the answer's text, finish reason and usage. Streams token and step events when `emit` is given. */
  private async request(body: unknown, signal: AbortSignal | undefined, emit: ((e: PlanEvent) => void) | undefined) {
    const ctl = new AbortController();
    this.live.add(ctl);
    const timeoutMs = this.options.timeoutMs ?? 120_000;
    const timer = setTimeout(() => ctl.abort(new RemoteError('timeout', `no complete answer from ${this.options.baseURL} in ${timeoutMs} ms`)), timeoutMs);
    const onAbort = () => ctl.abort(signal!.reason);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    const t0 = now();
    try {
      const url = `${this.options.baseURL.replace(/\/+$/, '')}/chat/completions`;
      const headers: Record<string, string> = { 'content-type': 'application/json', ...this.options.headers };
      if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;
      let res: Response;
      try {
        res = await (this.options.fetch ?? fetch)(url, { method: 'POST', headers, body: JSON.stringify(body), signal: ctl.signal });
      } catch (e) {
        throw ctl.signal.aborted ? ctl.signal.reason : new RemoteError('network', `cannot reach ${url}: ${(e as Error).message}`, undefined, undefined, { cause: e });
      }
      if (!res.ok) {
        const text = await res.text().catch(() => '');
        throw new RemoteError('http', `${url} answered ${res.status} ${res.statusText}: ${text.slice(0, 300)}`, res.status, text.slice(0, 2000));
      }
      try {
        if (!emit) {
          const j = (await res.json()) as Completion;
          const c = j.choices?.[0];
          if (typeof c?.message?.content !== 'string') throw new RemoteError('protocol', 'the answer has no choices[0].message.content');
          return { text: c.message.content, finish: c.finish_reason, usage: j.usage, ttftMs: now() - t0 };
        }
        if (!res.body) throw new RemoteError('protocol', 'the streamed answer has no body');
        let text = '';
        let finish: unknown;
        let usage: Completion['usage'];
        let ttftMs = 0;
        const scanner = new StepScanner();
        for await (const data of sseData(res.body)) {
          let j: Completion & { error?: { message?: string } };
          try {
            j = JSON.parse(data) as typeof j;
          } catch (e) {
            throw new RemoteError('protocol', `a streamed event is not JSON: ${data.slice(0, 200)}`, undefined, undefined, { cause: e });
          }
          if (j.error) throw new RemoteError('http', `the server failed mid-stream: ${j.error.message ?? JSON.stringify(j.error)}`, undefined, data.slice(0, 2000));
          if (j.usage) usage = j.usage;
          const c = j.choices?.[0];
          if (c?.finish_reason) finish = c.finish_reason;
          const delta = c?.delta?.content;
          if (typeof delta === 'string' && delta) {
            if (!text) ttftMs = now() - t0;
            text += delta;
            emit({ type: 'token', token: -1, text: delta, forced: false });
            for (const step of scanner.push(delta) as PlanStep[]) emit({ type: 'step', step: withSortedDependencies(step) });
          }
        }
        return { text, finish, usage, ttftMs };
      } catch (e) {
        throw ctl.signal.aborted ? ctl.signal.reason : e instanceof RemoteError ? e : new RemoteError('network', `the answer broke off: ${(e as Error).message}`, undefined, undefined, { cause: e });
      }
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      this.live.delete(ctl);
    }
  }
}
