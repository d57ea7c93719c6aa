/**
 * Tool shortlisting for large catalogues: rank the tools by relevance to the query (BM25, via
 * MiniSearch) and keep the top k for the prompt and the grammar, so a 3,000-tool catalogue plans
 * with a prompt of a few tools.
 *
 * Why MiniSearch: no dependencies, types included, BM25+ with per-field boosts and prefix search,
 * small enough to load on demand (it is imported only when a call asks for a shortlist). Orama is a
 * whole search engine (schemas, vectors, plugins) for what is here one ranked query; wink-bm25 needs
 * wink-nlp and a language model package for its text preparation.
 *
 * How a tool is read: its name split into words (`get_weather_now`, `getWeather`, `ns.op`), its
 * description, and its parameters' names and descriptions; English stop words dropped, suffixes
 * stripped, prefixes of longer words matched. A query that asks for several things (sentences,
 * "then", "also") is ranked whole and part by part, so each intent gets its tools.
 */
import type MiniSearchType from 'minisearch';
import { contentHash } from '../grammar/index.ts';
import { InvalidOptionError } from './errors.ts';
import type { Tool } from './tools.ts';

/**
 * Your own ranking (an embedding model, a curated list): indexes into `tools`, best first. Tools
 * it leaves out are not kept.
 */
export type RankTools = (query: string, tools: readonly Tool[]) => readonly number[] | Promise<readonly number[]>;

/** `plan(…, { shortlist })`: how many tools to keep, and optionally how to rank them. */
export interface ShortlistOptions {
  /** Tools kept for the prompt and the grammar (at least 1). */
  k: number;
  /** Ranking to use instead of the built-in BM25 (not sent to a worker: it runs on the calling thread). */
  rank?: RankTools;
}

/** What a shortlist kept (in `PlanResult.shortlist`). */
export interface ShortlistReport {
  /** Names of the kept tools, best first. */
  kept: string[];
  /** Tools in the catalogue. */
  of: number;
  /** Time spent ranking (and indexing a catalogue seen for the first time), ms. */
  ms: number;
}

const STOP = new Set(
  'a an the and or of to in on for with by at from is are be was were it its this that these those as into about what which who whom how when where why can could would should will i me my we our you your he she they them their please give tell show let know need want also then than there here some any all each do does did my'.split(' '),
);
const SUFFIXES = ['ically', 'ations', 'ation', 'ities', 'ity', 'ness', 'ments', 'ment', 'ical', 'ally', 'ings', 'ing', 'edly', 'ies', 'ied', 'ers', 'er', 'ed', 'es', 'ly', 'al', 'ic', 's', 'y', 'e'];

/** A light English stemmer: one suffix off (keeping 3 letters), then a doubled last letter undone. */
function stem(w: string): string {
  if (w.length <= 3 || /\d/.test(w)) return w;
  for (const x of SUFFIXES) {
    if (w.endsWith(x) && w.length - x.length >= 3) {
      w = w.slice(0, -x.length);
      break;
    }
  }
  return w.replace(/(.)\1$/, '$1');
}

/** Identifier-aware words: `getWeatherNow` and `get_weather.now` both read "get weather now". */
const words = (s: string): string[] =>
  s
    .replace(/([a-z\d])([A-Z])/g, '$1 $2')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);

const term = (t: string): string | null => {
  const lower = t.toLowerCase();
  return STOP.has(lower) ? null : stem(lower);
};

function parameterText(parameters: unknown): string {
  const props = (parameters as { properties?: Record<string, unknown> } | null)?.properties;
  if (!props || typeof props !== 'object') return '';
  return Object.entries(props)
    .map(([k, v]) => `${k} ${typeof (v as { description?: unknown })?.description === 'string' ? (v as { description: string }).description : ''}`)
    .join(' ');
}

/** The parts of a query that ask for different things (the whole query is ranked too). */
const parts = (query: string): string[] => query.split(/(?<=[.?!;])\s+|\s+(?:and then|then|also|next|finally|lastly|after that)\s+/i).filter((p) => p.trim().length > 12);

/** Weight of the best part's match next to the whole query's (BFCL recall@10: 0.946 whole only, 0.953 with parts). */
const PART_WEIGHT = 0.5;
const SEARCH = { boost: { name: 2, description: 1, params: 0.5 }, prefix: (t: string) => t.length > 4, combineWith: 'OR' as const };

/** A BM25 index over one tool catalogue. */
export class ToolIndex {
  private constructor(
    private readonly search: MiniSearchType,
    readonly size: number,
  ) {}

  /** Indexes `tools` (MiniSearch is loaded on first use). */
  static async of(tools: readonly Tool[]): Promise<ToolIndex> {
    const { default: MiniSearch } = await import('minisearch');
    const search = new MiniSearch({ fields: ['name', 'description', 'params'], storeFields: [], tokenize: words, processTerm: term });
    search.addAll(tools.map((t, id) => ({ id, name: t.name, description: t.description ?? '', params: parameterText(t.parameters) })));
    return new ToolIndex(search, tools.length);
  }

  /** Indexes of the tools that match `query`, best first (tools sharing no term with it are left out). */
  rank(query: string): number[] {
    const score = new Map<number, number>();
    const whole = this.search.search(query, SEARCH);
    const top = whole[0]?.score ?? 1;
    for (const h of whole) score.set(h.id as number, h.score / top);
    const best = new Map<number, number>();
    const ps = parts(query);
    if (ps.length > 1) {
      for (const p of ps) {
        const r = this.search.search(p, SEARCH);
        const pt = r[0]?.score ?? 1;
        for (const h of r.slice(0, 10)) best.set(h.id as number, Math.max(best.get(h.id as number) ?? 0, h.score / pt));
      }
    }
    for (const [id, v] of best) score.set(id, (score.get(id) ?? 0) + PART_WEIGHT * v);
    return [...score].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([id]) => id);
  }
}

/** Indexes of recent catalogues, by content (a catalogue of thousands of tools takes tens of ms to index). */
const indexes = new Map<string, Promise<ToolIndex>>();
const INDEX_LIMIT = 4;

function indexOf(tools: readonly Tool[]): Promise<ToolIndex> {
  const key = contentHash(JSON.stringify(tools.map((t) => [t.name, t.description ?? '', parameterText(t.parameters)])));
  let p = indexes.get(key);
  if (p) indexes.delete(key);
  else {
    p = ToolIndex.of(tools);
    p.catch(() => indexes.delete(key));
    if (indexes.size >= INDEX_LIMIT) indexes.delete(indexes.keys().next().value!);
  }
  indexes.set(key, p);
  return p;
}

/** `PlanOptions.shortlist` in its object form. */
export const shortlistOptionsOf = (s: number | ShortlistOptions): ShortlistOptions => (typeof s === 'number' ? { k: s } : s);

/**
 * The `k` tools of `tools` most relevant to `query`, in catalogue order (so two queries that keep
 * the same tools share a prompt prefix), with a report of what was kept, best first. When fewer
 * than `k` tools match, the rest are filled in catalogue order. A `rank` function replaces BM25.
 *
 * @example
 * ```ts
 * import { normalizeTools, shortlistTools } from 'toolplan';
 *
 * const catalogue = normalizeTools([
 *   { name: 'get_weather', description: 'Current weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
 *   { name: 'send_email', description: 'Send an email', parameters: { type: 'object', properties: { to: { type: 'string' } } } },
 *   { name: 'convert_currency', description: 'Convert an amount between currencies', parameters: { type: 'object', properties: { amount: { type: 'number' } } } },
 * ]);
 * const { tools, report } = await shortlistTools('What is the weather in Lisbon?', catalogue, { k: 1 });
 * console.log(tools.map((t) => t.name), report.kept); // ['get_weather'] ['get_weather']
 * ```
 */
export async function shortlistTools(query: string, tools: readonly Tool[], options: ShortlistOptions): Promise<{ tools: Tool[]; report: ShortlistReport }> {
  const t0 = performance.now();
  const k = Math.min(options.k, tools.length);
  let order: readonly number[];
  if (options.rank) order = await options.rank(query, tools);
  else order = (await indexOf(tools)).rank(query);
  const chosen: number[] = [];
  const seen = new Set<number>();
  for (const i of order) {
    if (chosen.length >= k) break;
    if (Number.isInteger(i) && i >= 0 && i < tools.length && !seen.has(i)) chosen.push(i), seen.add(i);
  }
  // Fewer matches than k: the built-in ranking fills up in catalogue order (a custom one is taken at its word).
  if (!options.rank) for (let i = 0; i < tools.length && chosen.length < k; i++) if (!seen.has(i)) chosen.push(i), seen.add(i);
  if (chosen.length === 0) throw new InvalidOptionError('shortlist', 'the ranking kept no tool', options.k);
  const kept = [...seen].sort((a, b) => a - b).map((i) => tools[i]!);
  return { tools: kept, report: { kept: chosen.map((i) => tools[i]!.name), of: tools.length, ms: performance.now() - t0 } };
}
