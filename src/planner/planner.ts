/**
 * The planner: `plan(query, tools)` → a valid plan, with the model runtime and the constraint
 * engine underneath. Runs in-process (Node, tests) and inside the worker behind `createPlanner`.
 */
import { checkSchema, type GrammarMatcher } from '../grammar/index.ts';
import { now } from '../shared/clock.ts';
import { decode, DeviceLostError, loadModel, Sampler, type ChatMessage, type Model, type ProgressInfo } from '../model/index.ts';
import { checkTools, checkToolsIn } from './check-tools.ts';
import { PlannerDisposedError, PromptTooLongError } from './errors.ts';
import { checkMessages } from './messages.ts';
import { chatPrompt } from './prompt.ts';
import { streamOf } from './event-queue.ts';
import { withSortedDependencies, type PlanStep } from './plan.ts';
import { checkQuery, DEFAULT_MAX_TOKENS, PlanContext } from './plan-request.ts';
import { DEFAULT_MODEL, DEFAULT_PRESET, type ModelPreset } from './presets.ts';
import { checkPlanOptions } from './plan-options.ts';
import { shortlistOptionsOf, shortlistTools } from './shortlist.ts';
import { normalizeTools, toTemplateTools, type JsonSchema, type Tool, type ToolInput } from './tools.ts';
import { validateValue } from './validate-plan.ts';
import type { GenerateJsonOptions, JsonResult, PlanEvent, PlannerCheckOptions, PlannerInfo, PlannerOptions, PlanOptions, PlanResult, PlanStats, ToolPlanner } from './types.ts';

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('aborted', 'AbortError');
}

/** A model with what every request over it shares (vocabulary, tool-call syntax, grammars). */
interface Loaded {
  model: Model;
  context: PlanContext;
}

/**
 * Plans tool calls with a local model.
 *
 * @example
 * ```ts
 * import { Planner, type ToolInput } from 'toolplan';
 *
 * const tools: ToolInput[] = [{ type: 'function', function: { name: 'search_flights', parameters: { type: 'object', properties: { to: { type: 'string' } } } } }];
 * const planner = await Planner.create({ model: 'onnx-community/Qwen3.5-0.8B-ONNX-OPT' });
 * const { plan } = await planner.plan('Find flights to Lisbon and email them to Ana', tools);
 * for (const step of plan.steps) console.log(step.id, step.tool, step.args, step.depends_on);
 * await planner.dispose();
 * ```
 */
export class Planner implements ToolPlanner {
  private loaded: Loaded | undefined;
  private lastInfo: PlannerInfo | undefined;
  private loading: Promise<Loaded> | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;
  private readonly preset: ModelPreset;

  private constructor(private readonly options: PlannerOptions) {
    this.preset = { ...DEFAULT_PRESET, ...options.preset };
  }

  /** Loads the model and returns a ready planner. */
  static async create(options: PlannerOptions = {}): Promise<Planner> {
    const p = new Planner(options);
    await p.ensureLoaded();
    return p;
  }

  /**
   * The loaded model's device and the reason for it, and the plan formats it gets. After a lost
   * device it describes the last model until the next call loads again.
   */
  get info(): PlannerInfo {
    // create() loads before it returns, so this is always set on a planner a caller holds.
    return this.lastInfo!;
  }

  private infoOf(l: Loaded): PlannerInfo {
    const m = l.model;
    return { model: m.name, device: m.device, reason: m.reason, dtype: m.dtype, format: this.preset.format ?? 'steps', toolCallSyntax: l.context.syntax };
  }

  private ensureLoaded(): Promise<Loaded> {
    if (this.loaded) return Promise.resolve(this.loaded);
    this.loading ??= (async () => {
      const { model: id, preset: _preset, maxContextTokens: _context, strictSchemas: _strict, grammarCacheBytes, signal, onProgress, ...load } = this.options;
      let ready: ProgressInfo | undefined;
      const model = await loadModel(id ?? DEFAULT_MODEL, {
        ...load,
        // 'ready' waits until the vocabulary is prepared too, so it means ready to plan.
        ...(onProgress ? { onProgress: (e: ProgressInfo) => (e.status === 'ready' ? (ready = e) : onProgress(e)) } : {}),
        // The signal cancels the first load only; a reload after a lost device is not the caller's load.
        ...(signal && !this.lastInfo ? { signal } : {}),
      });
      const context = new PlanContext(model, {
        preset: this.preset,
        strict: this.options.strictSchemas ?? false,
        ...(this.options.maxContextTokens !== undefined ? { maxContextTokens: this.options.maxContextTokens } : {}),
        ...(grammarCacheBytes !== undefined ? { grammarCacheBytes } : {}),
      });
      onProgress?.({ status: 'prepare', name: model.name, task: 'vocabulary' });
      void context.compiler; // the vocabulary and its compiler built now, so 'ready' means ready to plan
      this.loaded = { model, context };
      this.lastInfo = this.infoOf(this.loaded);
      if (ready) onProgress?.(ready);
      return this.loaded;
    })().finally(() => (this.loading = undefined));
    return this.loading;
  }

  /**
   * Normalises tools and checks them as `plan()` would for `options.format` (default: the preset's):
   * the schema checks, under `strictSchemas`, and for `tool-calls` what this model's syntax needs.
   * Typed errors name the tool and the JSON pointer inside its parameters.
   */
  async checkTools(tools: readonly ToolInput[], options: PlannerCheckOptions = {}): Promise<Tool[]> {
    const check = { strict: this.options.strictSchemas ?? false, format: options.format ?? this.preset.format ?? 'steps', toolCallSyntax: this.info.toolCallSyntax };
    // Loaded: against the model's compiler, so that plan() reuses what was checked.
    return this.loaded ? checkToolsIn(this.loaded.context.compiler.memo, tools, check) : checkTools(tools, check);
  }

  /** Plans `query` over `tools`. Calls are answered in order. */
  plan(query: string, tools: readonly ToolInput[], options: PlanOptions = {}): Promise<PlanResult> {
    return this.enqueue(options.signal, () => this.run(query, tools, options, undefined));
  }

  /** Like `plan`, as an async iterator of `token`, `step` and `done` events. */
  stream(query: string, tools: readonly ToolInput[], options: PlanOptions = {}): AsyncIterableIterator<PlanEvent> {
    return streamOf<PlanEvent>(options.signal, (signal, emit) => this.enqueue(signal, () => this.run(query, tools, { ...options, signal }, emit)));
  }

  private enqueue<T>(signal: AbortSignal | undefined, job: () => Promise<T>): Promise<T> {
    if (this.disposed) return Promise.reject(new PlannerDisposedError());
    if (signal?.aborted) return Promise.reject(abortError(signal));
    const result = this.queue.then(() => {
      // A call aborted while it waited is skipped without touching the model.
      if (signal?.aborted) throw abortError(signal);
      if (this.disposed) throw new PlannerDisposedError();
      return job();
    });
    this.queue = result.catch(() => undefined);
    if (!signal) return result;
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(abortError(signal));
      signal.addEventListener('abort', onAbort, { once: true });
      result.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  private async run(query: string, toolInput: readonly ToolInput[], o: PlanOptions, emit: ((e: PlanEvent) => void) | undefined): Promise<PlanResult> {
    const t0 = now();
    // Bad input fails before a load.
    checkQuery(query);
    checkPlanOptions(o);
    const loaded = await this.ensureLoaded();
    const { context } = loaded;
    const shortlist = o.shortlist === undefined ? undefined : await shortlistTools(query, normalizeTools(toolInput), shortlistOptionsOf(o.shortlist));
    const req = context.prepare(query, shortlist?.tools ?? toolInput, o);
    const scanner = req.scanner();
    const onText = emit
      ? (token: number, text: string, forced: boolean) => {
          emit({ type: 'token', token, text, forced });
          for (const step of scanner.push(text)) emit({ type: 'step', step: withSortedDependencies(step as PlanStep) });
        }
      : undefined;
    const { text, stats } = await this.decodeText(loaded, req.prompt, req.matcher(), req.maxTokens, o, onText, t0);
    const plan = req.finish(text);
    const result: PlanResult = { plan, text, format: req.format.name, stats, ...(shortlist ? { shortlist: shortlist.report } : {}) };
    emit?.({ type: 'done', result });
    return result;
  }

  /**
   * A chat completion held to a JSON Schema: `messages` through the model's chat template, the
   * output constrained by the schema's grammar and checked by ajv after. The general form of what
   * `plan()` does for plans; `toolplan serve` answers `response_format: json_schema` with it.
   * Typed errors: SchemaError (the schema), PromptTooLongError, InvalidOptionError, PlanValidationError.
   *
   * @example
   * ```ts
   * import { Planner } from 'toolplan';
   *
   * const planner = await Planner.create({ model: 'onnx-community/Qwen3.5-0.8B-ONNX-OPT' });
   * const { value } = await planner.generateJson(
   *   [{ role: 'user', content: 'Ana is 31 and lives in Porto. Extract her.' }],
   *   { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' } }, required: ['name', 'age'] },
   *   { maxTokens: 64 },
   * );
   * console.log(value); // { name: …, age: … }, valid against the schema
   * await planner.dispose();
   * ```
   */
  generateJson(messages: readonly ChatMessage[], schema: JsonSchema, options: GenerateJsonOptions = {}): Promise<JsonResult> {
    return this.enqueue(options.signal, () => this.runJson(messages, schema, options));
  }

  private async runJson(messages: readonly ChatMessage[], schema: JsonSchema, o: GenerateJsonOptions): Promise<JsonResult> {
    const t0 = now();
    checkMessages(messages);
    checkPlanOptions(o);
    checkSchema(schema);
    const loaded = await this.ensureLoaded();
    const { model, context } = loaded;
    const maxTokens = o.maxTokens ?? DEFAULT_MAX_TOKENS;
    const tools = o.tools?.length ? toTemplateTools(await this.checkTools(o.tools)) : undefined;
    const prompt = chatPrompt(model.tokenizer, messages, tools, this.preset.enableThinking);
    if (prompt.tokens.length + maxTokens + 1 > context.limit) throw new PromptTooLongError(prompt.tokens.length, maxTokens, context.limit);
    const grammar = context.compiler.compileSchema(schema, { strict: this.options.strictSchemas ?? false });
    const onText = o.onToken ? (_t: number, chunk: string) => o.onToken!(chunk) : undefined;
    const out = await this.decodeText(loaded, prompt, grammar.matcher({ maxTokens }), maxTokens, o, onText, t0);
    return { value: validateValue(JSON.parse(out.text), schema), text: out.text, stats: out.stats };
  }

  /** The decode shared by plans and JSON completions: constrained tokens → text and stats. */
  private async decodeText(
    { model, context }: Loaded,
    prompt: { tokens: number[]; prefixLength: number },
    matcher: GrammarMatcher,
    maxTokens: number,
    o: Pick<PlanOptions, 'temperature' | 'topK' | 'topP' | 'seed' | 'jumpForward' | 'signal'>,
    onText: ((token: number, text: string, forced: boolean) => void) | undefined,
    t0: number,
  ): Promise<{ text: string; stats: PlanStats }> {
    const vocab = context.vocab;
    const sampler = new Sampler({
      temperature: o.temperature ?? 0,
      ...(o.topK !== undefined ? { topK: o.topK } : {}),
      ...(o.topP !== undefined ? { topP: o.topP } : {}),
      ...(o.seed !== undefined ? { seed: o.seed } : {}),
    });
    const bytes: number[] = [];
    const utf8 = new TextDecoder();
    const watched = new BudgetWatch(matcher, vocab.maxTokenBytes);
    const it = decode(model.lm, prompt.tokens, {
      sampler,
      maxNewTokens: maxTokens + 1,
      stopTokens: model.eosTokenIds,
      constraint: watched,
      jumpForward: o.jumpForward ?? true,
      signal: o.signal,
      snapshots: model.snapshots,
      prefixLength: prompt.prefixLength,
    });
    let r: IteratorResult<{ token: number; forced: boolean }, Awaited<ReturnType<typeof it.next>>['value']>;
    try {
      for (r = await it.next(); !r.done; r = await it.next()) {
        const tb = vocab.tokens[r.value.token];
        if (!tb) continue;
        for (const b of tb) bytes.push(b);
        if (onText) onText(r.value.token, utf8.decode(tb, { stream: true }), r.value.forced);
      }
    } catch (e) {
      if (e instanceof DeviceLostError) this.dropModel();
      throw e;
    }
    const stats = r.value as Exclude<typeof r.value, { token: number }>;
    const text = new TextDecoder().decode(Uint8Array.from(bytes));
    const totalMs = now() - t0;
    return {
      text,
      stats: {
        promptTokens: stats.promptTokens,
        prefilledTokens: stats.prefilledTokens,
        tokens: stats.tokens,
        forcedTokens: stats.forcedTokens,
        forwardPasses: stats.forwardPasses,
        ttftMs: stats.ttftMs,
        totalMs,
        tokensPerSecond: stats.tokens / (totalMs / 1000),
        budgetLimited: watched.limited,
        device: model.device,
      },
    };
  }

  /** After a lost device: free what is left; the next call loads again (WebGPU, else WASM). */
  private dropModel(): void {
    const m = this.loaded?.model;
    this.loaded = undefined;
    void m?.dispose().catch(() => undefined);
  }

  /** Frees the model; pending calls reject with PlannerDisposedError. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.queue;
    await (this.loading?.catch(() => undefined) ?? Promise.resolve());
    await this.loaded?.model.dispose();
    this.loaded = undefined;
  }
}

/** Wraps the matcher to note when the token budget was near enough to narrow the mask. */
class BudgetWatch {
  limited = false;
  constructor(
    private readonly m: GrammarMatcher,
    private readonly maxTokenBytes: number,
  ) {}
  get isTerminated(): boolean {
    return this.m.isTerminated;
  }
  fillMask(mask: Uint32Array): void {
    if (this.m.remaining - 1 < this.m.minBytesToComplete() + this.maxTokenBytes) this.limited = true;
    this.m.fillMask(mask);
  }
  accept(token: number): void {
    this.m.accept(token);
  }
  forcedTokens(): number[] {
    return this.m.forcedTokens();
  }
}
