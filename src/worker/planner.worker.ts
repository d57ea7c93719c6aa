/**
 * The worker entry: one Planner, exposed over Comlink. The model, the grammar and every forward
 * pass live here, off the page's main thread.
 */
import { expose } from 'comlink';
import { installErrorTransfer, Planner, PlannerDisposedError, type PlannerWorkerApi } from '../planner/worker-side.ts';

installErrorTransfer();

let planner: Planner | undefined;
const calls = new Map<number, AbortController>();

function ready(): Planner {
  if (!planner) throw new PlannerDisposedError();
  return planner;
}

const api: PlannerWorkerApi = {
  async init(options, onProgress) {
    planner = await Planner.create({ ...options, ...(onProgress ? { onProgress: (p) => void onProgress(p) } : {}) });
    return planner.info!;
  },
  async plan(id, query, tools, options, onEvent) {
    const ac = new AbortController();
    calls.set(id, ac);
    try {
      const p = ready();
      if (!onEvent) return await p.plan(query, tools, { ...options, signal: ac.signal });
      let result;
      for await (const e of p.stream(query, tools, { ...options, signal: ac.signal })) {
        void onEvent(e);
        if (e.type === 'done') result = e.result;
      }
      return result!;
    } finally {
      calls.delete(id);
    }
  },
  abort(id, reason) {
    calls.get(id)?.abort(new DOMException(reason, 'AbortError'));
  },
  checkTools: (tools, options) => ready().checkTools(tools, options),
  info: () => planner?.info,
  async dispose() {
    for (const ac of calls.values()) ac.abort(new DOMException('planner disposed', 'AbortError'));
    await planner?.dispose();
    planner = undefined;
  },
};

expose(api);
