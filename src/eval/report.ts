/** Aggregates case results per mode, category and difficulty, and renders the Markdown report. */
import { median } from './stats.ts';
import { CARD_METRICS, type CaseMetrics } from './metrics.ts';
import type { CaseResult } from './run.ts';

type Key = keyof CaseMetrics;
const COLUMNS: Key[] = [...CARD_METRICS, 'composite', 'astMatch'];
const LABELS: Record<Key, string> = {
  validJson: 'Valid JSON',
  realIds: 'Real IDs',
  correctPlugins: 'Correct plugins',
  paramsType: 'Param types',
  paramKeys: 'Param keys',
  depsBackward: 'Backward deps',
  composite: 'Composite',
  astMatch: 'BFCL AST',
};

export interface Aggregate {
  mode: string;
  group: string;
  cases: number;
  skipped: number;
  /** Mean of each metric over scored cases, in percent. */
  metrics: Record<Key, number>;
  medianMs: number;
  meanTokens: number;
}


function aggregate(mode: string, group: string, rs: CaseResult[]): Aggregate {
  const scored = rs.filter((r) => r.metrics);
  const metrics = Object.fromEntries(COLUMNS.map((k) => [k, scored.length ? (100 * scored.reduce((a, r) => a + r.metrics![k], 0)) / scored.length : NaN])) as Record<Key, number>;
  return {
    mode,
    group,
    cases: scored.length,
    skipped: rs.length - scored.length,
    metrics,
    medianMs: median(scored.map((r) => r.ms)),
    meanTokens: scored.length ? scored.reduce((a, r) => a + r.tokens, 0) / scored.length : NaN,
  };
}

/** One row per mode for all cases, then per category and per difficulty. */
export function summarize(results: readonly CaseResult[]): Aggregate[] {
  const out: Aggregate[] = [];
  for (const mode of [...new Set(results.map((r) => r.mode))]) {
    const rs = results.filter((r) => r.mode === mode);
    out.push(aggregate(mode, 'all', rs));
    for (const c of [...new Set(rs.map((r) => r.category))]) out.push(aggregate(mode, c, rs.filter((r) => r.category === c)));
    for (const d of ['none', '1 call', '2-3 calls', '4+ calls']) {
      const sub = rs.filter((r) => r.difficulty === d);
      if (sub.length) out.push(aggregate(mode, d, sub));
    }
  }
  return out;
}

const pct = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '–');

/** The Markdown table of `rows`. */
export function markdown(rows: readonly Aggregate[]): string {
  const head = `| mode | group | cases | skipped | ${COLUMNS.map((k) => LABELS[k]).join(' | ')} | median ms | tokens |`;
  const rule = `|${'---|'.repeat(COLUMNS.length + 6)}`;
  const body = rows.map((r) => `| ${r.mode} | ${r.group} | ${r.cases} | ${r.skipped} | ${COLUMNS.map((k) => pct(r.metrics[k])).join(' | ')} | ${pct(r.medianMs)} | ${pct(r.meanTokens)} |`);
  return [head, rule, ...body].join('\n');
}
