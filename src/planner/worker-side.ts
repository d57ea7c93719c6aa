/**
 * What the worker entry (src/worker/planner.worker.ts) needs of the planner, and nothing that would pull
 * the client side (createPlanner, Comlink's wrap, the worker's own URL) into the worker bundle.
 */
export { installErrorTransfer } from './error-transfer.ts';
export { PlannerDisposedError } from './errors.ts';
export { Planner } from './planner.ts';
export type { PlannerWorkerApi } from './protocol.ts';
