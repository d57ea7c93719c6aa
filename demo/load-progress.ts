/** A progress bar per model file, with bytes, rate-based ETA, and whether it came from the cache. */
import type { ProgressInfo } from '../src/index.ts';

interface Row {
  bar: HTMLProgressElement;
  text: HTMLElement;
  started: number;
}

function mb(n: number): string {
  return (n / 1e6).toFixed(n < 1e7 ? 1 : 0) + ' MB';
}

export class LoadProgress {
  private rows = new Map<string, Row>();
  constructor(private readonly list: HTMLElement) {}

  reset(): void {
    this.rows.clear();
    this.list.replaceChildren();
  }

  private row(file: string): Row {
    let r = this.rows.get(file);
    if (!r) {
      const li = document.createElement('li');
      const label = document.createElement('span');
      label.className = 'file';
      label.textContent = file;
      const bar = document.createElement('progress');
      bar.max = 100;
      bar.setAttribute('aria-label', `download of ${file}`);
      const text = document.createElement('span');
      text.className = 'bytes';
      text.textContent = 'waiting…';
      li.append(label, bar, text);
      this.list.append(li);
      r = { bar, text, started: performance.now() };
      this.rows.set(file, r);
    }
    return r;
  }

  update(p: ProgressInfo): void {
    if (p.status === 'ready' || p.status === 'warning' || p.status === 'prepare') return;
    const r = this.row(p.file);
    if (p.status === 'progress') {
      r.bar.value = p.progress;
      const secs = (performance.now() - r.started) / 1000;
      const rate = secs > 0 ? p.loaded / secs : 0;
      const eta = rate > 0 && p.total > p.loaded ? ` · ${Math.ceil((p.total - p.loaded) / rate)} s left` : '';
      r.text.textContent = p.total > 0 ? `${mb(p.loaded)} / ${mb(p.total)}${eta}` : mb(p.loaded);
    } else if (p.status === 'done') {
      r.bar.value = 100;
      r.text.textContent = p.fromCache ? 'from cache' : 'done';
    }
  }
}
