/**
 * The layout's rules, checked on the import graph of the tree (type imports included): the layers
 * import downward only (grammar and model only themselves and src/shared/), nothing outside test/ imports from test/, the planner is reached through its
 * index by scripts, pages and the worker, the package index names its exports, and the engine has no
 * import circle but the value ↔ object/array recursion of its frames.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const DIRS = ['src', 'demo', 'e2e', 'scripts', 'test'];

/** Relative import and re-export specifiers of every .ts file, resolved to repo-relative paths. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const d of DIRS) {
    for (const e of readdirSync(join(root, d), { recursive: true, withFileTypes: true })) {
      if (!e.isFile() || !/\.(ts|mts)$/.test(e.name) || e.parentPath.includes('node_modules')) continue;
      const file = join(e.parentPath, e.name);
      const code = readFileSync(file, 'utf8');
      const deps: string[] = [];
      for (const m of code.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s*'(\.{1,2}\/[^']+)'|import\(\s*'(\.{1,2}\/[^']+)'\s*\)/gm)) {
        deps.push(relative(root, resolve(dirname(file), (m[1] ?? m[2])!)));
      }
      graph.set(relative(root, file), deps);
    }
  }
  return graph;
}

/** Strongly connected components of more than one file, among files under `prefix`. */
function cycles(graph: Map<string, string[]>, prefix: string): string[][] {
  const nodes = [...graph.keys()].filter((f) => f.startsWith(prefix));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!w.startsWith(prefix) || !graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const c: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      c.push(w);
    } while (w !== v);
    if (c.length > 1) out.push(c.sort());
  };
  for (const v of nodes) if (!index.has(v)) visit(v);
  return out;
}

const graph = importGraph();
const edges = [...graph].flatMap(([from, deps]) => deps.map((to) => ({ from, to })));

describe('architecture', () => {
  it('reads the tree (the graph is not empty)', () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(edges.length).toBeGreaterThan(300);
  });

  it('grammar and model import only themselves and src/shared/, which imports nothing', () => {
    const inside = (to: string, layer: string): boolean => to.startsWith(layer) || to.startsWith('src/shared/');
    const bad = edges.filter(
      ({ from, to }) =>
        (from.startsWith('src/grammar/') && !inside(to, 'src/grammar/')) ||
        (from.startsWith('src/model/') && !inside(to, 'src/model/')) ||
        (from.startsWith('src/shared/') && !to.startsWith('src/shared/')),
    );
    expect(bad).toEqual([]);
    // The shared folder is used from both layers (the rule above is not vacuous).
    expect(edges.some(({ from, to }) => from.startsWith('src/grammar/') && to.startsWith('src/shared/'))).toBe(true);
    expect(edges.some(({ from, to }) => from.startsWith('src/model/') && to.startsWith('src/shared/'))).toBe(true);
  });

  it('the library imports nothing outside src/, and nothing outside test/ imports from test/', () => {
    expect(edges.filter(({ from, to }) => from.startsWith('src/') && !to.startsWith('src/'))).toEqual([]);
    expect(edges.filter(({ from, to }) => !from.startsWith('test/') && to.startsWith('test/'))).toEqual([]);
  });

  it('scripts, pages, the demo and the worker reach the planner through its index (or worker-side.ts) only', () => {
    const entry = new Set(['src/planner/index.ts', 'src/planner/worker-side.ts']);
    const outside = ['scripts/', 'e2e/', 'src/worker/', 'demo/'];
    const bad = edges.filter(({ from, to }) => outside.some((p) => from.startsWith(p)) && to.startsWith('src/planner/') && !entry.has(to));
    expect(bad).toEqual([]);
  });

  it('the worker entry (src/worker/) imports the worker side of the planner and nothing else of the library', () => {
    const from = edges.filter(({ from }) => from.startsWith('src/worker/'));
    expect(from.map(({ to }) => to)).toEqual(['src/planner/worker-side.ts']);
  });

  it('the AI SDK adapter is a client of the planner: it reaches it through its index, and nothing in the library imports it', () => {
    const adapter = edges.filter(({ from }) => from.startsWith('src/ai-sdk/'));
    expect(adapter.length).toBeGreaterThan(5);
    expect(adapter.filter(({ to }) => !to.startsWith('src/ai-sdk/') && to !== 'src/planner/index.ts' && !to.startsWith('src/shared/'))).toEqual([]);
    expect(edges.filter(({ from, to }) => to.startsWith('src/ai-sdk/') && from.startsWith('src/') && !from.startsWith('src/ai-sdk/'))).toEqual([]);
  });

  it('the server (node:http) is reached only from the CLI: no library entry pulls it into a browser graph', () => {
    const into = edges.filter(({ from, to }) => to.startsWith('src/server/') && !from.startsWith('src/server/'));
    expect(into.length).toBeGreaterThan(0);
    expect(into.filter(({ from }) => !from.startsWith('src/cli/') && !from.startsWith('test/'))).toEqual([]);
  });

  it('the package index lists its exports by name', () => {
    const index = readFileSync(join(root, 'src/index.ts'), 'utf8');
    expect(index).not.toMatch(/export \*/);
    expect(index).toMatch(/export \{[^}]*\bcreatePlanner\b/);
  });

  it('no import circle in the engine but the value ↔ object/array recursion of its frames', () => {
    expect(cycles(graph, 'src/grammar/')).toEqual([['src/grammar/frames/array.ts', 'src/grammar/frames/object.ts', 'src/grammar/frames/value.ts']]);
    expect(cycles(graph, 'src/planner/')).toEqual([]);
  });
});
