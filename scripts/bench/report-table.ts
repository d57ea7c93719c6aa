/**
 * Browser benchmark results (`bench-results/*.json`, any machine's) gathered into one table per
 * adapter: the median of every run on the same vendor, architecture, backend, dtype and model.
 * Pure: results in, rows and markdown / HTML / SVG out (`report.ts` does the files).
 */
import { barChart } from './chart.ts';

interface Mode {
  mode: string;
  prefill_tok_s: number;
  decode_tok_s: number;
}
interface Backend {
  requested: string;
  device: string;
  adapter: { vendor: string; architecture: string; description?: string } | null;
  load_cold_ms: number;
  load_warm_ms: number;
  time_to_first_step_ms: number | null;
  modes: Mode[];
}
/** The part of a result (e2e/bench/result.schema.json) the report reads. */
export interface BenchResult {
  date: string;
  browser: string;
  model: string;
  quick: boolean;
  /** Older results have none: the browser benchmark ran q4 only. */
  dtype?: string;
  backends: Backend[];
}

export interface ReportRow {
  /** The GPU's vendor, or `cpu` for a wasm row. */
  vendor: string;
  /** The GPU's architecture; for a wasm row, the machine's GPU (vendor and architecture), which names the machine. */
  architecture: string;
  backend: string;
  dtype: string;
  model: string;
  runs: number;
  prefillTokS: number | null;
  decodeTokS: number | null;
  /** toolplan's default path: constrained + jump-forward. */
  planTokS: number | null;
  timeToFirstStepMs: number | null;
  loadColdMs: number | null;
  loadWarmMs: number | null;
  latest: string;
  /** SwiftShader (WebGPU on the CPU) or a --quick run: functional figures, not a speed reference. */
  reference: boolean;
}

function median(xs: readonly (number | null | undefined)[]): number | null {
  const v = xs.filter((x): x is number => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return null;
  const m = v.length >> 1;
  return v.length % 2 ? v[m]! : (v[m - 1]! + v[m]!) / 2;
}

/** A model as people name it: a hub id stays, a local path or URL keeps its last part. */
export function modelName(m: string): string {
  if (/^[\w.-]+\/[\w.-]+$/.test(m)) return m;
  return m.replace(/\/+$/, '').split('/').at(-1) ?? m;
}

/** One row per vendor / architecture / backend / dtype / model, medians over its runs, fastest plans first. */
export function reportRows(results: readonly BenchResult[]): ReportRow[] {
  const groups = new Map<string, { r: BenchResult; b: Backend }[]>();
  for (const r of results) {
    // A run names its machine by its WebGPU adapter; on wasm the CPU runs the model, which the
    // result does not name, so wasm rows are the CPU of the machine with that adapter.
    const machine = r.backends.find((b) => b.adapter)?.adapter;
    for (const b of r.backends) {
      const gpu = b.device === 'webgpu' && b.adapter;
      const vendor = gpu ? b.adapter!.vendor : 'cpu';
      const architecture = gpu ? b.adapter!.architecture : machine ? `${machine.vendor} ${machine.architecture}`.trim() : '';
      const key = JSON.stringify([vendor, architecture, b.device, r.dtype ?? 'q4', modelName(r.model)]);
      groups.set(key, [...(groups.get(key) ?? []), { r, b }]);
    }
  }
  const rows = [...groups].map(([key, runs]): ReportRow => {
    const [vendor, architecture, backend, dtype, model] = JSON.parse(key) as string[];
    const mode = (name: string) => runs.map(({ b }) => b.modes.find((m) => m.mode === name));
    return {
      vendor: vendor!,
      architecture: architecture!,
      backend: backend!,
      dtype: dtype!,
      model: model!,
      runs: runs.length,
      prefillTokS: median(mode('constrained + jump-forward').map((m) => m?.prefill_tok_s)),
      decodeTokS: median(mode('unconstrained').map((m) => m?.decode_tok_s)),
      planTokS: median(mode('constrained + jump-forward').map((m) => m?.decode_tok_s)),
      timeToFirstStepMs: median(runs.map(({ b }) => b.time_to_first_step_ms)),
      loadColdMs: median(runs.map(({ b }) => b.load_cold_ms)),
      loadWarmMs: median(runs.map(({ b }) => b.load_warm_ms)),
      latest: runs.map(({ r }) => r.date).sort().at(-1)!,
      reference: !runs.some(({ r, b }) => !r.quick && !(b.device === 'webgpu' && /swiftshader/i.test(b.adapter?.architecture ?? ''))),
    };
  });
  return rows.sort((a, b) => Number(b.reference === false) - Number(a.reference === false) || (b.planTokS ?? -1) - (a.planTokS ?? -1));
}

const f = (x: number | null, digits = 1) => (x === null ? '–' : x.toFixed(digits));
const adapterOf = (r: ReportRow) => (r.vendor === 'cpu' ? `CPU${r.architecture ? ` (machine with ${r.architecture})` : ''}` : [r.vendor, r.architecture].filter(Boolean).join(' '));
const HEAD = ['adapter', 'backend', 'dtype', 'model', 'runs', 'prefill tok/s', 'decode tok/s', 'plan tok/s', 'first step ms', 'load cold ms', 'load warm ms', 'latest'];
const cells = (r: ReportRow) => [
  adapterOf(r) + (r.reference ? ' †' : ''),
  r.backend,
  r.dtype,
  r.model,
  String(r.runs),
  f(r.prefillTokS),
  f(r.decodeTokS),
  f(r.planTokS),
  f(r.timeToFirstStepMs, 0),
  f(r.loadColdMs, 0),
  f(r.loadWarmMs, 0),
  r.latest.slice(0, 10),
];
const NOTE = '† SwiftShader (WebGPU on the CPU) or a `--quick` run: it shows the path works, never how fast a GPU is. decode tok/s: unconstrained decoding; plan tok/s: toolplan\'s default (constrained + jump-forward: forced tokens cost no forward pass). Medians over runs.';

export function reportMarkdown(rows: readonly ReportRow[]): string {
  if (!rows.length) return '_No benchmark results yet._\n';
  return [`| ${HEAD.join(' | ')} |`, `|${HEAD.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${cells(r).join(' | ')} |`), '', NOTE, ''].join('\n');
}

export function reportChart(rows: readonly ReportRow[]): string {
  return barChart('plan tok/s per adapter (constrained + jump-forward)', 'tok/s', rows.filter((r) => r.planTokS !== null).map((r) => ({ group: `${adapterOf(r)}${r.reference ? ' †' : ''}`, label: `${r.backend} ${r.dtype} ${r.model}`, value: r.planTokS! })));
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A standalone page: the table (with a caption and header scopes) and the chart, for the demo site. */
export function reportHtml(rows: readonly ReportRow[]): string {
  const body = rows.length
    ? `<table><caption>toolplan in the browser: tok/s per adapter</caption><thead><tr>${HEAD.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
        .map((r) => `<tr>${cells(r).map((c, i) => (i === 0 ? `<th scope="row">${esc(c)}</th>` : `<td>${esc(c)}</td>`)).join('')}</tr>`)
        .join('')}</tbody></table><p>${esc(NOTE).replace(/`([^`]+)`/g, '<code>$1</code>')}</p><figure><img src="report.svg" alt="Bar chart of plan tokens per second for each adapter in the table"><figcaption>plan tok/s per adapter</figcaption></figure>`
    : '<p>No benchmark results yet.</p>';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>toolplan benchmark: tok/s per GPU</title>
<style>
body { font: 15px/1.5 system-ui, sans-serif; margin: 0 auto; padding: 1rem; max-width: 72rem; color: #111; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid #999; padding: 0.25rem 0.5rem; text-align: left; white-space: nowrap; }
caption { font-weight: bold; text-align: left; padding: 0.5rem 0; }
img { max-width: 100%; height: auto; }
a { color: #1d4ed8; }
</style>
</head>
<body>
<main>
<h1>toolplan benchmark: tok/s per GPU</h1>
<p><a href="../">Back to the demo</a>. Add your GPU: run <code>npm run bench -- --model onnx-community/Qwen3.5-0.8B-ONNX-OPT</code> and send the JSON it writes (see the README).</p>
<div class="scroll" tabindex="0" role="region" aria-label="Results table (scrolls sideways)">${body}</div>
</main>
</body>
</html>
`;
}
