/**
 * Load progress events, shaped like Transformers.js's `progress_callback` payloads so apps can
 * reuse their progress UI.
 */

/** One load progress event. `name` is the model id or URL as given; `file` the file within it. */
export type ProgressInfo =
  | { status: 'initiate'; name: string; file: string }
  | { status: 'download'; name: string; file: string }
  | {
      status: 'progress';
      name: string;
      file: string;
      /** Percent, 0–100 (0 while the total is unknown). */
      progress: number;
      loaded: number;
      total: number;
    }
  | { status: 'done'; name: string; file: string; fromCache: boolean }
  /** Something went wrong but loading went on (e.g. the file could not be cached). */
  | { status: 'warning'; name: string; file: string; error: Error }
  | { status: 'ready'; name: string; device: string; reason: string };

/** Receives load progress events. */
export type ProgressCallback = (info: ProgressInfo) => void;
