/**
 * A toolplan planner as an AI SDK language model (`@ai-sdk/provider` LanguageModelV4): tool calls
 * whose names and arguments are valid by construction, structured output held to its schema.
 */
import type {
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4Content,
  LanguageModelV4GenerateResult,
  LanguageModelV4StreamPart,
  LanguageModelV4StreamResult,
} from '@ai-sdk/provider';
import type { PlanResult, ToolPlanner } from '../planner/index.ts';
import { ArgsText } from './args-text.ts';
import { objectCall, planCall, type PlanCall, type ToolplanCallOptions } from './call-options.ts';
import { CallIds, finishOf, metadataOf, toolCallOf, toolCallsOf, usageOf } from './results.ts';

/** Settings of `toolplan(planner, settings)`. */
export interface ToolplanModelSettings extends ToolplanCallOptions {
  /** The model id the AI SDK reports (default: the planner's model, or `toolplan` for a planner still loading). */
  modelId?: string;
}

type ObjectCall = Extract<PlanCall, { kind: 'object' }>;
type ToolsCall = Extract<PlanCall, { kind: 'tools' }>;
type Emit = (part: LanguageModelV4StreamPart) => void;

/** The object the one step's args stand for, as text: what the SDK parses. */
function objectText(call: ObjectCall, result: PlanResult): string {
  return JSON.stringify(call.output.unwrap(result.plan.steps[0]!.args));
}

export class ToolplanLanguageModel implements LanguageModelV4 {
  readonly specificationVersion = 'v4';
  readonly provider = 'toolplan';
  readonly modelId: string;
  readonly supportedUrls: Record<string, RegExp[]> = {};
  private readonly planner: PromiseLike<ToolPlanner>;
  private readonly settings: ToolplanCallOptions;

  constructor(planner: ToolPlanner | PromiseLike<ToolPlanner>, settings: ToolplanModelSettings = {}) {
    const { modelId, ...callSettings } = settings;
    const ready = 'plan' in planner && typeof planner.plan === 'function';
    this.modelId = modelId ?? (ready ? (planner as ToolPlanner).info.model : 'toolplan');
    this.planner = ready ? Promise.resolve(planner as ToolPlanner) : (planner as PromiseLike<ToolPlanner>);
    this.settings = callSettings;
  }

  async doGenerate(options: LanguageModelV4CallOptions): Promise<LanguageModelV4GenerateResult> {
    const call = planCall(options, this.settings);
    const ids = new CallIds();
    const response = { id: ids.prefix, modelId: this.modelId, timestamp: new Date() };
    if (call.kind === 'answered') return { content: [], finishReason: finishOf(0), usage: usageOf(undefined), warnings: call.warnings, response, providerMetadata: metadataOf(undefined, ids, false) };
    const planner = await this.planner;
    let result = await planner.plan(call.query, call.tools, call.options);
    let content: LanguageModelV4Content[];
    let object = call.kind === 'object';
    if (call.kind === 'object') content = [{ type: 'text', text: objectText(call, result) }];
    else if (result.plan.steps.length === 0 && call.output) {
      // `auto` chose no tool, and an object was asked for: answer with the object.
      const oc = objectCall({ ...call, output: call.output });
      result = await planner.plan(oc.query, oc.tools, oc.options);
      content = [{ type: 'text', text: objectText(oc, result) }];
      object = true;
    } else content = toolCallsOf(result, ids);
    return {
      content,
      finishReason: finishOf(object ? 0 : content.length),
      usage: usageOf(result),
      warnings: call.warnings,
      providerMetadata: metadataOf(result, ids, object),
      request: { body: { query: call.query, tools: call.tools.length } },
      response,
    };
  }

  async doStream(options: LanguageModelV4CallOptions): Promise<LanguageModelV4StreamResult> {
    const call = planCall(options, this.settings);
    const ids = new CallIds();
    // Cancelling the SDK's stream stops the decode between two forward passes.
    const cancel = new AbortController();
    const signal = options.abortSignal ? AbortSignal.any([options.abortSignal, cancel.signal]) : cancel.signal;
    const stream = new ReadableStream<LanguageModelV4StreamPart>({
      start: (c) => {
        const emit: Emit = (p) => {
          if (!cancel.signal.aborted) c.enqueue(p);
        };
        emit({ type: 'stream-start', warnings: call.warnings });
        emit({ type: 'response-metadata', id: ids.prefix, modelId: this.modelId, timestamp: new Date() });
        this.pump(call, ids, signal, emit).then(
          () => {
            if (!cancel.signal.aborted) c.close();
          },
          (error: unknown) => {
            if (cancel.signal.aborted) return;
            if (options.abortSignal?.aborted) c.error(error);
            else {
              c.enqueue({ type: 'error', error });
              c.close();
            }
          },
        );
      },
      cancel: (reason) => cancel.abort(reason),
    });
    return { stream, request: { body: { query: 'query' in call ? call.query : '' } } };
  }

  private async pump(call: PlanCall, ids: CallIds, signal: AbortSignal, emit: Emit): Promise<void> {
    if (call.kind === 'answered') {
      emit({ type: 'finish', finishReason: finishOf(0), usage: usageOf(undefined), providerMetadata: metadataOf(undefined, ids, false) });
      return;
    }
    const planner = await this.planner;
    if (call.kind === 'object') return this.streamObject(planner, call, ids, signal, emit);
    const result = await this.streamTools(planner, call, ids, signal, emit);
    if (result.plan.steps.length === 0 && call.output) return this.streamObject(planner, objectCall({ ...call, output: call.output }), ids, signal, emit);
    emit({ type: 'finish', finishReason: finishOf(result.plan.steps.length), usage: usageOf(result), providerMetadata: metadataOf(result, ids, false) });
  }

  /** Tool inputs stream as each step closes; the tool calls follow once the whole plan is checked. */
  private async streamTools(planner: ToolPlanner, call: ToolsCall, ids: CallIds, signal: AbortSignal, emit: Emit): Promise<PlanResult> {
    const started = new Set<number>();
    const input = (id: number, tool: string, args: unknown): void => {
      started.add(id);
      emit({ type: 'tool-input-start', id: ids.of(id), toolName: tool });
      emit({ type: 'tool-input-delta', id: ids.of(id), delta: JSON.stringify(args) });
      emit({ type: 'tool-input-end', id: ids.of(id) });
    };
    let result: PlanResult | undefined;
    for await (const e of planner.stream(call.query, call.tools, { ...call.options, signal })) {
      if (e.type === 'step' && !started.has(e.step.id)) input(e.step.id, e.step.tool, e.step.args);
      else if (e.type === 'done') result = e.result;
    }
    for (const s of result!.plan.steps) {
      if (!started.has(s.id)) input(s.id, s.tool, s.args);
      emit(toolCallOf(s, ids));
    }
    return result!;
  }

  /** The object's text streams as the model writes it (a wrapped schema's, at the end). */
  private async streamObject(planner: ToolPlanner, call: ObjectCall, ids: CallIds, signal: AbortSignal, emit: Emit): Promise<void> {
    const id = `${ids.prefix}-text`;
    const args = call.output.wrapped ? undefined : new ArgsText();
    emit({ type: 'text-start', id });
    let result: PlanResult | undefined;
    for await (const e of planner.stream(call.query, call.tools, { ...call.options, signal })) {
      if (e.type === 'token' && args) {
        const delta = args.push(e.text);
        if (delta) emit({ type: 'text-delta', id, delta });
      } else if (e.type === 'done') result = e.result;
    }
    const text = objectText(call, result!);
    if (!args) emit({ type: 'text-delta', id, delta: text });
    else if (!args.done || JSON.stringify(JSON.parse(args.value)) !== text) {
      // Cannot happen with the grammar in place; if it did, the streamed text would not be the checked object.
      throw new Error(`toolplan: the streamed object text differs from the checked object (${args.value.slice(0, 80)})`);
    }
    emit({ type: 'text-end', id });
    emit({ type: 'finish', finishReason: finishOf(0), usage: usageOf(result), providerMetadata: metadataOf(result, ids, true) });
  }
}
