/**
 * What a hub model costs to start, before the user starts it: the graph files' total size from the
 * Hub's file listing, per dtype the loader may pick (q4; q8, which it prefers on WASM when the repo
 * has it), and whether this browser's cache holds them already. The same request tells whether the
 * network is reachable at all (if not, the demo stays on its embedded model).
 */
import { CACHE_NAME } from '../src/index.ts';

export interface ModelDownload {
  /** Bytes of the graph files in one dtype (embed_tokens / decoder_model_merged / model and their external data). */
  bytes: number;
  files: string[];
  /** True when every one of them is in this browser's model cache. */
  cached: boolean;
}

/** The dtypes the demo sizes, by file suffix (Transformers.js naming). */
/** The Hub's listing of a repo folder. */
type Listing = { type: string; path: string; size: number; lfs?: { size: number } }[];

const SUFFIX = { q4: '_q4', q8: '_quantized' } as const;
export type SizedDtype = keyof typeof SUFFIX;
const graphOf = (suffix: string) => new RegExp(`^onnx/(embed_tokens|decoder_model_merged|model)${suffix}\\.onnx(_data(_\\d+)?)?$`);

/** The downloads of hub model `id` per dtype it has (q4 always reported), or undefined when the Hub cannot be reached in `timeoutMs`. */
export async function hubDownload(id: string, hubHost = 'https://huggingface.co', timeoutMs = 4000): Promise<(Partial<Record<SizedDtype, ModelDownload>> & { q4: ModelDownload }) | undefined> {
  let listing: Listing;
  try {
    const res = await fetch(`${hubHost}/api/models/${id}/tree/main/onnx`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return undefined;
    listing = (await res.json()) as typeof listing;
  } catch {
    return undefined;
  }
  const q4 = await sized(listing, SUFFIX.q4, id, hubHost);
  const q8 = await sized(listing, SUFFIX.q8, id, hubHost);
  return q8.files.length ? { q4, q8 } : { q4 };
}

async function sized(listing: Listing, suffix: string, id: string, hubHost: string): Promise<ModelDownload> {
  const graph = graphOf(suffix);
  const files = listing.filter((f) => f.type === 'file' && graph.test(f.path));
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
