/**
 * Load progress events, shaped like Transformers.js's `progress_callback` payloads so apps can
 * reuse their progress UI.
 */

import type { Device } from './sessions.ts';

/** One load progress event. `name` is the model id or URL as given; `file` the file within it. */
export type ProgressInfo =
  | { status: 'initiate'; name: string; file: string }
  | { status: 'download'; name: string; file: string }
  | {
      status: 'progress';
      name: string;
      file: string;
      /** Percent, 0–100 (0 while the total is unknown). At most one event per whole percent. */
      progress: number;
      /** Bytes received so far (decoded). */
      loaded: number;
      /** File size in bytes; 0 when unknown (then one event per MiB). */
      total: number;
      /** True when `total` is the compressed length, an estimate (progress then stops at 99 until done). */
      estimated?: boolean;
    }
  | { status: 'done'; name: string; file: string; fromCache: boolean }
  /** Something went wrong but loading went on (e.g. the file could not be cached). */
  | { status: 'warning'; name: string; file: string; error: Error }
  /** Files loaded; the constraint engine is preparing the vocabulary (the last step before `ready`). */
  | { status: 'prepare'; name: string; task: 'vocabulary' }
  | { status: 'ready'; name: string; device: Device; reason: string };

/** Receives load progress events. */
export type ProgressCallback = (info: ProgressInfo) => void;
