/**
 * What a hub model costs to start, before the user starts it: the q4 graph files' total size from the
 * Hub's file listing, and whether this browser's cache holds them already. The same request tells
 * whether the network is reachable at all (if not, the demo stays on its embedded model).
 */
import { CACHE_NAME } from '../src/index.ts';

export interface ModelDownload {
  /** Bytes of the q4 graph files (embed_tokens / decoder_model_merged / model and their external data). */
  bytes: number;
  files: string[];
  /** True when every one of them is in this browser's model cache. */
  cached: boolean;
}

const GRAPH = /^onnx\/(embed_tokens|decoder_model_merged|model)_q4\.onnx(_data(_\d+)?)?$/;

/** The download of hub model `id` at q4, or undefined when the Hub cannot be reached in `timeoutMs`. */
export async function hubDownload(id: string, hubHost = 'https://huggingface.co', timeoutMs = 4000): Promise<ModelDownload | undefined> {
  let listing: { type: string; path: string; size: number; lfs?: { size: number } }[];
  try {
    const res = await fetch(`${hubHost}/api/models/${id}/tree/main/onnx`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return undefined;
    listing = (await res.json()) as typeof listing;
  } catch {
    return undefined;
  }
  const files = listing.filter((f) => f.type === 'file' && GRAPH.test(f.path));
  const bytes = files.reduce((n, f) => n + (f.lfs?.size ?? f.size), 0);
  let cached = false;
  if (files.length && typeof caches !== 'undefined') {
    try {
      const cache = await caches.open(CACHE_NAME);
      const hits = await Promise.all(files.map((f) => cache.match(`${hubHost}/${id}/resolve/main/${f.path}`)));
      cached = hits.every(Boolean);
    } catch {
      // Cache Storage refused (a private window): treat as not cached.
    }
  }
  return { bytes, files: files.map((f) => f.path), cached };
}

export const megabytes = (n: number): string => `${Math.round(n / 1e6).toLocaleString('en')} MB`;
