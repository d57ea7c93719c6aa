/** The demo page: model picker and load progress, tool editor with live checks, streamed plan. */
import { createPlanner, checkTools, type PlanStep, type ToolInput, type WorkerPlanner } from '../src/index.ts';
import type { DeviceRequest } from '../src/model/index.ts';
import { LoadProgress } from './load-progress.ts';
import { drawPlan } from './plan-graph.ts';
import { hubDownload, megabytes, type ModelDownload } from './model-info.ts';
import { DEFAULT_ONLINE, MODELS, PRESETS } from './presets.ts';

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
const customRow = $('custom-row');
const customModel = $<HTMLInputElement>('custom-model');
const modelNote = $('model-note');

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
  if (m.id === 'custom') return customModel.value.trim();
  return m.embedded ? new URL(EMBEDDED_BASE + m.model.replace(/^models\//, ''), location.href).href : m.model;
}

const downloads = new Map<string, ReturnType<typeof hubDownload>>();
const downloadOf = (id: string) => {
  let d = downloads.get(id);
  if (!d) downloads.set(id, (d = hubDownload(id)));
  return d;
};

/** Says what the chosen model costs to start (download size, or already cached) and what it is. */
async function describeModel(): Promise<void> {
  const m = MODELS.find((x) => x.id === modelSel.value)!;
  customRow.hidden = m.id !== 'custom';
  if (m.embedded) return setStatus(modelNote, 'Embedded test model: random weights. Its plans are valid for the tools, but the argument text is noise. Runs offline.');
  if (m.id === 'custom') return setStatus(modelNote, 'A hub id (owner/name) or the URL of a folder with config.json, the tokenizer and onnx/; its size shows as it loads.');
  setStatus(modelNote, 'Checking the download size…', 'busy');
  const d = await downloadOf(m.model);
  if (modelSel.value !== m.id) return;
  if (!d) setStatus(modelNote, 'The Hub cannot be reached: this model needs the network. The embedded model runs offline.', 'error');
  else {
    // The loader prefers q8 on WASM when the repo has it (q4's matrix products are ~10× slower there).
    const wasm = deviceSel.value === 'wasm' || (deviceSel.value === 'auto' && !('gpu' in navigator));
    const dtype = wasm && d.q8 ? 'q8' : 'q4';
    const f: ModelDownload = d[dtype] ?? d.q4;
    if (f.cached) setStatus(modelNote, `In this browser's cache (${megabytes(f.bytes)} ${dtype}): starts without a download.`);
    else setStatus(modelNote, `${megabytes(f.bytes)} to download (${dtype}, ${f.files.length} files), once: then kept in this browser's cache.`);
  }
}

/** On a hosted page the real model is the default; with no network the embedded one stays. */
async function pickDefaultModel(): Promise<void> {
  const real = MODELS.find((x) => x.id === DEFAULT_ONLINE)!;
  const d = await downloadOf(real.model);
  if (d && modelSel.value === 'tiny' && !planner) modelSel.value = real.id;
  await describeModel();
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
  const key = `${modelSel.value}|${deviceSel.value}|${modelUrl()}`;
  if (planner && plannerKey === key) return planner;
  if (!modelUrl()) {
    setStatus(backend, 'Enter a model URL or hub id first.', 'error');
    customModel.focus();
    throw new Error('no model given');
  }
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
  // Random weights write long random strings: shortened in the card (the plan JSON below has them whole).
  const random = MODELS.find((x) => x.id === plannerKey.split('|')[0])?.embedded ?? false;
  args.textContent = random ? JSON.stringify(step.args, (_k, v: unknown) => (typeof v === 'string' && v.length > 40 ? `${v.slice(0, 40)}…` : v)) : JSON.stringify(step.args);
  if (random) args.title = 'random weights: argument text is noise (whole in the plan JSON)';
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
modelSel.addEventListener('change', () => void describeModel());
deviceSel.addEventListener('change', () => void describeModel());
toolsBox.addEventListener('input', checkEditor);
loadBtn.addEventListener('click', () => void ensurePlanner().catch(() => undefined));
form.addEventListener('submit', (ev) => {
  ev.preventDefault();
  void generate();
});
stopBtn.addEventListener('click', () => running?.abort(new DOMException('stopped by the user', 'AbortError')));
applyPreset();
resetOutput();
void pickDefaultModel();
