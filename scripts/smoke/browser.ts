/**
 * Loads a smoke app page in headless Chromium and reads its verdict from <pre id="out"> once the
 * page sets document.title = 'done'. Console errors, failed requests and HTTP errors (page and
 * worker) are collected so a failure says why.
 */
import { chromium, type Browser } from 'playwright-core';
import { StepError, errorLines, keyThenTail, withTimeout } from './util.ts';

const ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

let browser: Promise<Browser> | undefined;
function getBrowser(): Promise<Browser> {
  return (browser ??= chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ARGS, timeout: 60_000 }));
}
export async function closeBrowser(): Promise<void> {
  const b = await browser?.catch(() => undefined);
  browser = undefined;
  await b?.close().catch(() => undefined);
}

interface PageResult {
  ok?: boolean;
  plan?: { steps?: unknown[] };
  device?: string;
  tokens?: number;
  name?: string;
  message?: string;
}

/** What the page fetched (Chromium attributes a worker's requests to the page, so only worker scripts are told apart). */
export interface Loaded {
  js: string[];
  workers: string[];
}

/**
 * Resolves to the row's note; throws a StepError with the page's errors otherwise.
 * `serverLog` (the server's output) is added to a failure's detail.
 */
export async function expectPlanInPage(url: string, timeoutMs = 120_000, loaded?: Loaded, serverLog?: () => string): Promise<string> {
  const b = await getBrowser();
  const ctx = await b.newContext();
  const log: string[] = [];
  const note = (s: string) => log.length < 60 && log.push(s.slice(0, 400));
  const workers: { url: string; closed: boolean }[] = [];
  // When something went wrong (a worker closed, a script failed): a page with no live worker
  // and no result GRACE later is stuck, and waiting out the full timeout would tell nothing more.
  const GRACE = 10_000;
  let troubleAt: number | undefined;
  let trouble = '';
  const flag = (why: string) => {
    troubleAt ??= Date.now();
    trouble ||= why;
  };
  try {
    const page = await ctx.newPage();
    // Chromium asks for /favicon.ico on its own: not the app's doing.
    const noise = (m: { location(): { url: string } }) => m.location().url.endsWith('/favicon.ico');
    page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && !noise(m) && note(`console.${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => (note(`pageerror: ${e.message}`), flag(`uncaught ${e.message}`)));
    page.on('worker', (w) => {
      const entry = { url: w.url(), closed: false };
      workers.push(entry);
      loaded?.workers.push(new URL(w.url()).pathname);
      note(`worker started: ${w.url()}`);
      w.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && note(`worker console.${m.type()}: ${m.text()}`));
      w.on('close', () => {
        entry.closed = true;
        note(`worker closed: ${w.url()}`);
        flag('the worker closed');
      });
    });
    page.on('requestfailed', (r) => note(`request failed: ${r.url()} (${r.failure()?.errorText})`));
    page.on('response', (r) => {
      const path = new URL(r.url()).pathname;
      if (r.status() >= 400) note(`HTTP ${r.status()}: ${r.url()}`);
      if (r.status() >= 400 && /\.m?js$/.test(path)) flag(`HTTP ${r.status()} for ${path}`);
      // A dev server's SPA fallback answers a wrong path with index.html and a 200.
      else if (/\.(json|onnx|wasm|m?js)$/.test(path) && /text\/html/.test(r.headers()['content-type'] ?? '')) note(`HTML (200) served for ${r.url()}`);
      if (loaded && /\.m?js$/.test(path)) loaded.js.push(path);
    });

    const verdict = await (async (): Promise<{ ok: true; note: string } | { ok: false; msg: string }> => {
      try {
        await page.goto(url, { timeout: 30_000 });
      } catch (e) {
        return { ok: false, msg: `page did not load: ${(e as Error).message.split('\n')[0]}` };
      }
      // dispose() ends the worker just before the page writes its result, hence the grace.
      const deadline = Date.now() + timeoutMs;
      let outcome: 'done' | 'stuck' | 'timeout' = 'timeout';
      while (Date.now() < deadline) {
        // A reload (Vite's dep optimizer) destroys the context mid-evaluate: just ask again.
        if (await withTimeout(page.evaluate(() => document.title === 'done'), 5000, 'title').catch(() => false)) {
          outcome = 'done';
          break;
        }
        if (troubleAt !== undefined && Date.now() - troubleAt > GRACE && !workers.some((w) => !w.closed)) {
          outcome = 'stuck';
          break;
        }
        await new Promise((r) => setTimeout(r, 500));
      }
      const text = (await page.locator('#out').textContent({ timeout: 5000 }).catch(() => null)) ?? '?';
      const settle = workers.length ? ' (createPlanner never settled)' : '';
      if (outcome === 'stuck') return { ok: false, msg: `${trouble}; ${GRACE / 1000} s later the page still shows "${text}" and no worker runs${settle}` };
      if (outcome === 'timeout') return { ok: false, msg: `no result within ${timeoutMs / 1000} s (#out: ${text})` };
      let r: PageResult;
      try {
        r = JSON.parse(text) as PageResult;
      } catch {
        return { ok: false, msg: `#out is not JSON: ${text.slice(0, 200)}` };
      }
      if (!r.ok) return { ok: false, msg: `page: ${r.name}: ${r.message}` };
      const steps = r.plan?.steps;
      if (!Array.isArray(steps) || steps.length < 1) return { ok: false, msg: `plan has no steps: ${text.slice(0, 200)}` };
      return { ok: true, note: `${steps.length} step(s) on ${r.device}, ${r.tokens} tokens` };
    })();
    if (verdict.ok) return verdict.note;

    // A module worker that fails to load reports no message (the library can only say it
    // crashed): load the dead worker's script as a module on the page to get the real error.
    // Diagnosis only, after the verdict.
    const why: string[] = [];
    for (const w of workers.filter((w) => w.closed)) {
      const r = await withTimeout(
        page.evaluate((u) => import(u).then(() => '', (e: Error) => `${e.name}: ${e.message}`), w.url),
        10_000,
        'import(worker script)',
      ).catch((e: Error) => e.message);
      if (r) why.push(r);
    }
    if (why.length) note(`diagnosis, importing the dead worker's script on the page: ${why.join('; ')}`);
    const server = serverLog?.() ?? '';
    const detail = [...log, ...(server ? ['server output:', keyThenTail(server, 15)] : [])].join('\n');
    const serverError = errorLines(server)[0];
    const msg = why.length ? `${verdict.msg}; the worker script throws ${why.join('; ')}` : verdict.msg;
    throw new StepError(serverError ? `${msg}; server: ${serverError}` : msg, detail);
  } finally {
    await withTimeout(ctx.close(), 10_000, 'closing the browser context').catch(() => undefined);
  }
}
