/**
 * The worker's Comlink interface: small and typed. Signals and callbacks cannot cross
 * postMessage, so calls carry an id the client aborts by, and callbacks travel as Comlink proxies.
 */
import type { ProgressCallback } from '../model/index.ts';
import type { Tool, ToolInput } from './tools.ts';
import type { PlanEvent, PlannerCheckOptions, PlannerInfo, PlannerOptions, PlanOptions, PlanResult } from './types.ts';

/** Planner options that can be sent to a worker. */
export type WorkerPlannerOptions = Omit<PlannerOptions, 'onProgress' | 'ort' | 'signal'>;
/** Plan options that can be sent to a worker. */
export type WorkerPlanOptions = Omit<PlanOptions, 'signal'>;

export interface PlannerWorkerApi {
  init(options: WorkerPlannerOptions, onProgress?: ProgressCallback): Promise<PlannerInfo>;
  /** Runs one call; `onEvent` (when given) receives its stream events. */
  plan(id: number, query: string, tools: ToolInput[], options: WorkerPlanOptions, onEvent?: (e: PlanEvent) => void): Promise<PlanResult>;
  /** Aborts call `id` (queued or running). */
  abort(id: number, reason: string): void;
  checkTools(tools: ToolInput[], options?: PlannerCheckOptions): Promise<Tool[]>;
  info(): PlannerInfo | undefined;
  dispose(): Promise<void>;
}
