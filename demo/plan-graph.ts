/** Draws a plan as an SVG graph: one column per dependency depth, an arrow per dependency. */
import type { PlanStep } from '../src/index.ts';

const SVG = 'http://www.w3.org/2000/svg';
const NODE_W = 150;
const NODE_H = 44;
const GAP_X = 50;
const GAP_Y = 18;

export interface NodeBox {
  step: PlanStep;
  x: number;
  y: number;
}

/** Column = 1 + the deepest dependency's column; rows in step order. */
export function layoutPlan(steps: readonly PlanStep[]): { nodes: NodeBox[]; width: number; height: number } {
  const depth = new Map<number, number>();
  for (const s of steps) depth.set(s.id, Math.max(0, ...s.depends_on.map((d) => (depth.get(d) ?? -1) + 1)));
  const rows = new Map<number, number>();
  const nodes = steps.map((step) => {
    const col = depth.get(step.id) ?? 0;
    const row = rows.get(col) ?? 0;
    rows.set(col, row + 1);
    return { step, x: col * (NODE_W + GAP_X), y: row * (NODE_H + GAP_Y) };
  });
  const cols = Math.max(1, ...[...rows.keys()].map((c) => c + 1));
  const maxRows = Math.max(1, ...rows.values());
  return { nodes, width: cols * (NODE_W + GAP_X) - GAP_X, height: maxRows * (NODE_H + GAP_Y) - GAP_Y };
}

function el<K extends keyof SVGElementTagNameMap>(name: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

function clip(text: string, n: number): string {
  return text.length > n ? text.slice(0, n - 1) + '…' : text;
}

/** Replaces `svg`'s content with the graph of `steps`. */
export function drawPlan(svg: SVGSVGElement, steps: readonly PlanStep[]): void {
  const { nodes, width, height } = layoutPlan(steps);
  // A floor on the view size keeps a one-step plan at its natural scale instead of filling the box.
  const w = Math.max(width + 16, 4 * (NODE_W + GAP_X));
  const h = Math.max(height + 16, 4 * (NODE_H + GAP_Y));
  svg.replaceChildren();
  svg.setAttribute('viewBox', `${(width - w) / 2} ${(height - h) / 2} ${w} ${h}`);
  svg.setAttribute('aria-label', steps.length === 0 ? 'No steps yet' : `Plan graph: ${steps.map((s) => `step ${s.id} ${s.tool}${s.depends_on.length ? ` after ${s.depends_on.join(', ')}` : ''}`).join('; ')}`);
  const defs = el('defs', {});
  const marker = el('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
  marker.append(el('path', { d: 'M0,0 L10,5 L0,10 z', class: 'edge-head' }));
  defs.append(marker);
  svg.append(defs);
  const at = new Map(nodes.map((n) => [n.step.id, n]));
  for (const n of nodes) {
    for (const d of n.step.depends_on) {
      const from = at.get(d);
      if (!from) continue;
      const x1 = from.x + NODE_W, y1 = from.y + NODE_H / 2, x2 = n.x, y2 = n.y + NODE_H / 2;
      const mid = (x1 + x2) / 2;
      svg.append(el('path', { d: `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`, class: 'edge', 'marker-end': 'url(#arrow)' }));
    }
  }
  for (const n of nodes) {
    const g = el('g', { class: 'node', transform: `translate(${n.x},${n.y})`, 'data-step': n.step.id });
    g.append(el('rect', { width: NODE_W, height: NODE_H, rx: 8 }));
    const title = el('text', { x: 10, y: 18, class: 'node-id' });
    title.textContent = `#${n.step.id}`;
    const tool = el('text', { x: 10, y: 35, class: 'node-tool' });
    tool.textContent = clip(n.step.tool, 20);
    g.append(title, tool);
    svg.append(g);
  }
}
