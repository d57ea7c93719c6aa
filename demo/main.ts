/** The demo page: model picker and load progress, tool editor with live checks, streamed plan. */
import { createPlanner, checkTools, type PlanStep, type ToolInput, type WorkerPlanner } from '../src/index.ts';
import type { DeviceRequest } from '../src/model/index.ts';
import { LoadProgress } from './load-progress.ts';
import { drawPlan } from './plan-graph.ts';
import { MODELS, PRESETS } from './presets.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const modelSel = $<HTMLSelectElement>('model');
const deviceSel = $<HTMLSelectElement>('device');
const loadBtn = $<HTMLButtonElement>('load');
const backend = $('backend');
const presetSel = $<HTMLSelectElement>('preset');
const toolsBox = $<HTMLTextAreaElement>('tools');
const toolsStatus = $('tools-status');
const form = $<HTMLFormElement>('ask');
const query = $<HTMLTextAreaElement>('query');
const generateBtn = $<HTMLButtonElement>('generate');
const stopBtn = $<HTMLButtonElement>('stop');
const runStatus = $('run-status');
const stream = $('stream');
const cards = $('cards');
const graph = document.getElementById('graph') as unknown as SVGSVGElement;
const json = $('json');
const figures = { tokens: $('f-tokens'), rate: $('f-rate'), saved: $('f-saved'), first: $('f-first') };
const progress = new LoadProgress($('files'));

// The embedded model is served next to the page (see vite.config.ts), so the demo works offline.
const EMBEDDED_BASE = import.meta.env.DEV ? '/fixtures/models/' : './models/';

for (const m of MODELS) modelSel.add(new Option(m.label, m.id));
for (const p of PRESETS) presetSel.add(new Option(p.label, p.id));

let planner: WorkerPlanner | undefined;
let plannerKey = '';
let tools: ToolInput[] | undefined;
let running: AbortController | undefined;

function modelUrl(): string {
  const m = MODELS.find((x) => x.id === modelSel.value)!;
  return m.embedded ? new URL(EMBEDDED_BASE + m.model.replace(/^models\//, ''), location.href).href : m.model;
}

function setStatus(el: HTMLElement, text: string, kind: 'ok' | 'error' | 'busy' = 'ok'): void {
  el.textContent = text;
  el.dataset.kind = kind;
}

/** Parses and checks the editor's tools with the planner's own checks; shows the typed error inline. */
function checkEditor(): void {
  tools = undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(toolsBox.value);
  } catch (e) {
    toolsBox.setAttribute('aria-invalid', 'true');
    return setStatus(toolsStatus, `Not JSON: ${(e as Error).message}`, 'error');
  }
  try {
    const list = Array.isArray(parsed) ? parsed : [parsed];
    const ok = checkTools(list as ToolInput[]);
    tools = list as ToolInput[];
    toolsBox.removeAttribute('aria-invalid');
    setStatus(toolsStatus, `${ok.length} tool${ok.length === 1 ? '' : 's'}: ${ok.map((t) => t.name).join(', ')}`);
  } catch (e) {
    toolsBox.setAttribute('aria-invalid', 'true');
    setStatus(toolsStatus, `${(e as Error).name}: ${(e as Error).message}`, 'error');
  }
  generateBtn.disabled = tools === undefined || running !== undefined;
}

function applyPreset(): void {
  const p = PRESETS.find((x) => x.id === presetSel.value)!;
  toolsBox.value = JSON.stringify(p.tools, null, 2);
  query.value = p.query;
  checkEditor();
}

async function ensurePlanner(): Promise<WorkerPlanner> {
  const key = `${modelSel.value}|${deviceSel.value}`;
  if (planner && plannerKey === key) return planner;
  planner?.dispose();
  planner = undefined;
  progress.reset();
  setStatus(backend, 'Loading…', 'busy');
  loadBtn.disabled = true;
  try {
    const p = await createPlanner({
      model: modelUrl(),
      device: deviceSel.value as DeviceRequest,
      onProgress: (e) => {
        if (e.status === 'prepare') setStatus(backend, 'Preparing the vocabulary…', 'busy');
        progress.update(e);
      },
    });
    const info = p.info;
    setStatus(backend, `Running on ${info.device.toUpperCase()} (${info.dtype}): ${info.reason}`);
    planner = p;
    plannerKey = key;
    return p;
  } catch (e) {
    setStatus(backend, `Could not load: ${(e as Error).name}: ${(e as Error).message}`, 'error');
    throw e;
  } finally {
    loadBtn.disabled = false;
  }
}

function resetOutput(): void {
  stream.textContent = '';
  cards.replaceChildren();
  json.textContent = '';
  drawPlan(graph, []);
  for (const f of Object.values(figures)) f.textContent = '–';
}

function addCard(step: PlanStep): void {
  const li = document.createElement('li');
  li.className = 'card';
  li.dataset.step = String(step.id);
  const h = document.createElement('strong');
  h.textContent = `#${step.id} ${step.tool}`;
  const deps = document.createElement('span');
  deps.className = 'deps';
  deps.textContent = step.depends_on.length ? `after ${step.depends_on.map((d) => '#' + d).join(', ')}` : 'no dependencies';
  const args = document.createElement('code');
  args.textContent = JSON.stringify(step.args);
  li.append(h, deps, args);
  cards.append(li);
}

async function generate(): Promise<void> {
  if (!tools || running) return;
  const ac = new AbortController();
  running = ac;
  generateBtn.disabled = true;
  stopBtn.disabled = false;
  resetOutput();
  const steps: PlanStep[] = [];
  try {
    const p = await ensurePlanner();
    setStatus(runStatus, 'Generating…', 'busy');
    const t0 = performance.now();
    let tokens = 0;
    let forced = 0;
    const opts = {
      signal: ac.signal,
      temperature: Number(numberOr($<HTMLInputElement>('temperature').value, 0)),
      maxSteps: Math.max(1, Math.round(numberOr($<HTMLInputElement>('max-steps').value, 5))),
      seed: Math.round(numberOr($<HTMLInputElement>('seed').value, 0)),
      format: $<HTMLSelectElement>('format').value === 'tool-calls' ? ('tool-calls' as const) : ('steps' as const),
    };
    for await (const e of p.stream(query.value, tools, opts)) {
      if (e.type === 'token') {
        tokens++;
        if (e.forced) forced++;
        stream.textContent += e.text;
        stream.scrollTop = stream.scrollHeight;
        figures.tokens.textContent = String(tokens);
        figures.rate.textContent = (tokens / ((performance.now() - t0) / 1000)).toFixed(1);
        figures.saved.textContent = String(forced);
      } else if (e.type === 'step') {
        if (steps.length === 0) figures.first.textContent = `${Math.round(performance.now() - t0)} ms`;
        steps.push(e.step);
        addCard(e.step);
        drawPlan(graph, steps);
      } else {
        const s = e.result.stats;
        json.textContent = JSON.stringify(e.result.plan, null, 2);
        figures.tokens.textContent = String(s.tokens);
        figures.rate.textContent = s.tokensPerSecond.toFixed(1);
        figures.saved.textContent = String(s.tokens - s.forwardPasses);
        drawPlan(graph, e.result.plan.steps);
        const budget = s.budgetLimited ? '; the token budget shaped its end' : '';
        setStatus(runStatus, `Done: ${e.result.plan.steps.length} step(s) in ${Math.round(s.totalMs)} ms; ${s.prefilledTokens} of ${s.promptTokens} prompt tokens computed${budget}.`);
      }
    }
  } catch (e) {
    const err = e as Error;
    if (ac.signal.aborted) setStatus(runStatus, `Stopped after ${steps.length} step(s).`);
    else setStatus(runStatus, `${err.name}: ${err.message}`, 'error');
  } finally {
    running = undefined;
    stopBtn.disabled = true;
    generateBtn.disabled = tools === undefined;
  }
}

function numberOr(v: string, fallback: number): number {
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 ? n : fallback;
}

presetSel.addEventListener('change', applyPreset);
toolsBox.addEventListener('input', checkEditor);
loadBtn.addEventListener('click', () => void ensurePlanner().catch(() => undefined));
form.addEventListener('submit', (ev) => {
  ev.preventDefault();
  void generate();
});
stopBtn.addEventListener('click', () => running?.abort(new DOMException('stopped by the user', 'AbortError')));
applyPreset();
resetOutput();
