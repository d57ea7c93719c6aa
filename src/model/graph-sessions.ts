/**
 * Sessions over small graphs the runtime builds itself (the sampling graph, the read-back copy),
 * made once per key on the decoder's device and released together.
 */
import type { InferenceSession } from 'onnxruntime-common';
import type { OrtModule } from './ort.ts';

export class GraphSessions {
  private readonly sessions = new Map<string, Promise<InferenceSession>>();

  constructor(
    private readonly ort: OrtModule,
    private readonly device: 'webgpu',
  ) {}

  /** The session for `key`, created from `graph()` on first use. */
  get(key: string, graph: () => Uint8Array): Promise<InferenceSession> {
    let s = this.sessions.get(key);
    if (!s) {
      s = this.ort.InferenceSession.create(graph(), { executionProviders: [this.device], graphOptimizationLevel: 'all' });
      // A failed creation is not cached: the next call tries again (and fails the same, typed, way).
      s.catch(() => this.sessions.delete(key));
      this.sessions.set(key, s);
    }
    return s;
  }

  async release(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    for (const s of all) await s.then((x) => x.release(), () => undefined);
  }
}
