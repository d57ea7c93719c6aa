/**
 * Fetching one model file: streamed with progress, checked (size, and sha256 when known), stored in
 * Cache Storage so the next load is offline. A cached file that fails its check is evicted and
 * fetched again; a fresh download that fails its check is retried once and never returned.
 */
import { DownloadError, IntegrityError, ModelFileNotFoundError, StorageQuotaError } from './errors.ts';
import { readLocalFile } from './node-io.ts';
import type { ProgressCallback } from './progress.ts';
import { fileLocation, type ResolvedSource } from './source.ts';

/** Name of the Cache Storage bucket holding model files. */
export const CACHE_NAME = 'toolplan-models-v1';

export interface FileRequest {
  source: ResolvedSource;
  /** Path within the model, e.g. `onnx/model_q4.onnx`. */
  file: string;
  /** Model name for progress events. */
  name: string;
  onProgress?: ProgressCallback | undefined;
  signal?: AbortSignal | undefined;
  /** Use Cache Storage when the environment has it (default true). */
  useCache?: boolean | undefined;
  /** Known sha256 (hex) of the file; otherwise taken from the Hub's `X-Linked-ETag` when exposed. */
  sha256?: string | undefined;
  /** A response or body that sends less than 64 KiB in this long (stalls, or drips) fails with DownloadError (default 30 s). */
  stallTimeoutMs?: number | undefined;
  /**
   * The file may well be absent (a dtype tried first, e.g. q8 on WASM): no event at all until it is
   * known to exist, so a 404 leaves no `initiate` without its `done` in a progress UI; an error
   * before that (offline, say) is thrown at once, unretried, for the caller to try something else.
   */
  mayBeMissing?: boolean | undefined;
}

/** Default of `stallTimeoutMs`. */
export const DEFAULT_STALL_TIMEOUT_MS = 30_000;

/** Bytes a download must deliver in each stall period to count as moving. */
const STALL_BYTES = 64 * 1024;

/**
 * An abort signal for one download that also fires when less than STALL_BYTES arrived in `ms`:
 * `touch()` once the headers are in, `received(n)` after each chunk. A server that stalls or drips
 * would keep a load pending forever otherwise.
 */
function stallWatch(ms: number, outer: AbortSignal | undefined): { signal: AbortSignal; touch(): void; received(n: number): void; stalled(): boolean; stop(): void } {
  const ac = new AbortController();
  let stalled = false;
  let bytes = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      stalled = true;
      ac.abort(new DOMException('stalled', 'TimeoutError'));
    }, ms);
  };
  const onOuter = () => ac.abort(outer!.reason);
  outer?.addEventListener('abort', onOuter, { once: true });
  arm();
  return {
    signal: ac.signal,
    touch: arm,
    received(n) {
      bytes += n;
      if (bytes < STALL_BYTES) return;
      bytes = 0;
      arm();
    },
    stalled: () => stalled,
    stop() {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onOuter);
    },
  };
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

async function check(url: string, bytes: Uint8Array, size: number | undefined, sha: string | undefined): Promise<void> {
  if (size !== undefined && bytes.byteLength !== size) {
    throw new IntegrityError(url, `${size} bytes`, `${bytes.byteLength} bytes`);
  }
  if (sha !== undefined) {
    const got = await sha256Hex(bytes);
    if (got !== sha) throw new IntegrityError(url, `sha256 ${sha}`, `sha256 ${got}`);
  }
}

function cacheStorage(): CacheStorage | undefined {
  return (globalThis as { caches?: CacheStorage }).caches;
}

function abortReason(signal: AbortSignal | undefined): unknown {
  return signal?.reason ?? new DOMException('aborted', 'AbortError');
}

interface Fetched {
  bytes: Uint8Array;
  size: number | undefined;
  sha: string | undefined;
}

/** `found`: called once the server has answered with the file (not a 404, an error or a web page). */
async function download(url: string, r: FileRequest, found: () => void): Promise<Fetched> {
  const stallMs = r.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
  const watch = stallWatch(stallMs, r.signal);
  try {
    return await downloadWatched(url, r, watch, found);
  } catch (e) {
    if (watch.stalled() && !r.signal?.aborted) throw new DownloadError(url, `stalled: under 64 KiB in ${stallMs / 1000} s`, { cause: e });
    throw e;
  } finally {
    watch.stop();
  }
}

async function downloadWatched(url: string, r: FileRequest, watch: ReturnType<typeof stallWatch>, found: () => void): Promise<Fetched> {
  let res: Response;
  try {
    res = await fetch(url, { signal: watch.signal });
  } catch (e) {
    if (r.signal?.aborted) throw abortReason(r.signal);
    throw new DownloadError(url, 'network error', { cause: e });
  }
  watch.touch();
  if (res.status === 404) throw new ModelFileNotFoundError(url, 404);
  if (!res.ok) throw new DownloadError(url, `HTTP ${res.status}`);
  const h = res.headers;
  // Content-Length counts encoded bytes, so it is a size check only for identity encoding.
  const encoded = (h.get('content-encoding') ?? 'identity') !== 'identity';
  const lenHeader = h.get('x-linked-size') ?? (encoded ? null : h.get('content-length'));
  const size = lenHeader !== null && /^\d+$/.test(lenHeader) ? Number(lenHeader) : undefined;
  const etag = (h.get('x-linked-etag') ?? '').replace(/^W\//, '').replaceAll('"', '').toLowerCase();
  const sha = r.sha256?.toLowerCase() ?? (SHA256_HEX.test(etag) ? etag : undefined);

  if (/^\s*text\/html\b/i.test(h.get('content-type') ?? '')) throw htmlInstead(url, res.status);
  // Behind a compressing server only the encoded length is known: a fair estimate for weights
  // (which barely compress), shown as such and never past 99 % before the end.
  const encodedLength = encoded ? Number(h.get('content-length') ?? NaN) : NaN;
  const estimate = size === undefined && Number.isSafeInteger(encodedLength) && encodedLength > 0 ? encodedLength : undefined;
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  found();
  r.onProgress?.({ status: 'download', name: r.name, file: r.file });
  const report = progressReporter(r, size, estimate);
  const reader = res.body?.getReader();
  if (!reader) throw new DownloadError(url, 'response has no body');
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      loaded += value.byteLength;
      watch.received(value.byteLength);
      report(loaded, false);
    }
  } catch (e) {
    if (r.signal?.aborted) throw abortReason(r.signal);
    throw new DownloadError(url, `connection lost after ${loaded} bytes`, { cause: e });
  }
  report(loaded, true);
  const bytes = new Uint8Array(loaded);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  return { bytes, size, sha };
}

/** The answer is a web page, not a model file: a wrong path on a host with an SPA fallback, most often. */
function htmlInstead(url: string, status: number): ModelFileNotFoundError {
  return new ModelFileNotFoundError(
    url,
    status,
    'the server answered with an HTML page instead (a single-page-app fallback?): check the model path; a relative path resolves against the page',
  );
}

/** A JSON or ONNX file never starts with `<`; an HTML page does. */
function looksLikeHtml(bytes: Uint8Array): boolean {
  let i = 0;
  while (i < bytes.length && i < 64 && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09 || bytes[i] === 0xef || bytes[i] === 0xbb || bytes[i] === 0xbf)) i++;
  return bytes[i] === 0x3c;
}

/**
 * `progress` events for one download, at most one per whole percent (per MiB while the size is
 * unknown) and one at the end, so a progress bar or a log line per event stays cheap.
 */
function progressReporter(r: FileRequest, size: number | undefined, estimate: number | undefined): (loaded: number, end: boolean) => void {
  const onProgress = r.onProgress;
  if (!onProgress) return () => undefined;
  let last = -1;
  return (loaded, end) => {
    const total = end ? loaded : (size ?? estimate ?? 0);
    const exact = end || size !== undefined;
    const pct = total > 0 ? Math.min(exact ? 100 : 99, (loaded / total) * 100) : 0;
    const bucket = total > 0 ? Math.floor(pct) : Math.floor(loaded / 1048576);
    if (!end && bucket === last) return;
    last = bucket;
    onProgress({ status: 'progress', name: r.name, file: r.file, loaded, total, progress: pct, ...(exact ? {} : { estimated: true }) });
  };
}

async function fromCache(cache: Cache, url: string, r: FileRequest): Promise<Uint8Array | undefined> {
  const hit = await cache.match(url);
  if (!hit) return undefined;
  try {
    const bytes = new Uint8Array(await hit.arrayBuffer());
    const size = hit.headers.get('x-toolplan-size');
    const sha = hit.headers.get('x-toolplan-sha256') ?? undefined;
    await check(url, bytes, size === null ? undefined : Number(size), sha);
    return bytes;
  } catch (e) {
    await cache.delete(url);
    r.onProgress?.({ status: 'warning', name: r.name, file: r.file, error: e as Error });
    return undefined;
  }
}

async function store(cache: Cache, url: string, f: Fetched, r: FileRequest): Promise<void> {
  const headers: Record<string, string> = { 'x-toolplan-size': String(f.bytes.byteLength) };
  if (f.sha) headers['x-toolplan-sha256'] = f.sha;
  try {
    await cache.put(url, new Response(f.bytes as Uint8Array<ArrayBuffer>, { headers }));
  } catch (e) {
    const quota = (e as { name?: string }).name === 'QuotaExceededError';
    const error = quota ? new StorageQuotaError(url, { cause: e }) : new DownloadError(url, 'could not cache', { cause: e });
    // Not fatal: the bytes are in memory and the model still loads; the next load downloads again.
    r.onProgress?.({ status: 'warning', name: r.name, file: r.file, error });
  }
}

/**
 * The bytes of one model file, from Cache Storage when present and intact, otherwise downloaded.
 *
 * @throws {ModelFileNotFoundError} 404 / missing local file
 * @throws {DownloadError} network loss or server error
 * @throws {IntegrityError} the file stayed partial or corrupt after one retry
 */
export async function fetchModelFile(r: FileRequest): Promise<Uint8Array> {
  r.signal?.throwIfAborted();
  const url = fileLocation(r.source, r.file);
  let announced = false;
  const announce = () => {
    if (announced) return;
    announced = true;
    r.onProgress?.({ status: 'initiate', name: r.name, file: r.file });
  };
  if (!r.mayBeMissing) announce();
  if (r.source.kind === 'dir') {
    const bytes = await readLocalFile(url);
    announce();
    await check(url, bytes, undefined, r.sha256?.toLowerCase());
    r.onProgress?.({ status: 'done', name: r.name, file: r.file, fromCache: false });
    return bytes;
  }
  const storage = r.useCache === false ? undefined : cacheStorage();
  const cache = storage ? await storage.open(CACHE_NAME) : undefined;
  if (cache) {
    const hit = await fromCache(cache, url, r);
    if (hit) {
      announce();
      r.onProgress?.({ status: 'done', name: r.name, file: r.file, fromCache: true });
      return hit;
    }
  }
  let lastError: unknown;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const f = await download(url, r, announce);
      if (looksLikeHtml(f.bytes)) throw htmlInstead(url, 200);
      await check(url, f.bytes, f.size, f.sha);
      if (cache) await store(cache, url, f, r);
      r.onProgress?.({ status: 'done', name: r.name, file: r.file, fromCache: false });
      return f.bytes;
    } catch (e) {
      // A partial or corrupt body is worth one more try; a 404 or an abort is not, nor a file that
      // may not exist and has not answered yet.
      if (!(e instanceof IntegrityError || (e instanceof DownloadError && !r.signal?.aborted)) || (r.mayBeMissing && !announced)) throw e;
      lastError = e;
      announce();
      r.onProgress?.({ status: 'warning', name: r.name, file: r.file, error: e });
    }
  }
  throw lastError;
}

/** Removes every cached model file (e.g. from a settings page). */
export async function clearModelCache(): Promise<boolean> {
  return (await cacheStorage()?.delete(CACHE_NAME)) ?? false;
}
