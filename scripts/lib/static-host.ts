/**
 * A plain static host for a folder, as a CDN or GitHub Pages is: no COOP/COEP or other special
 * headers, 404 for unknown paths, optionally under a sub-path (`/toolplan/`) with nothing outside it.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.map': 'application/json',
  '.css': 'text/css',
  '.txt': 'text/plain',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

export interface StaticHost {
  /** The site's URL (ends with the prefix). */
  url: string;
  /** One line per 404. */
  output(): string;
  stop(): Promise<void>;
}

/** Serves `dir` on 127.0.0.1:`port` (0: any free one) at `prefix` (default `/`). */
export function serveFolder(dir: string, port: number, prefix = '/'): Promise<StaticHost> {
  const base = resolve(dir);
  const log: string[] = [];
  const srv = createHttpServer((req, res) => {
    const full = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (!full.startsWith(prefix)) {
      log.push(`404 ${full} (outside ${prefix})`);
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const path = full.slice(prefix.length - 1);
    let file = normalize(join(base, path));
    if (file !== base && !file.startsWith(base + sep)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) {
      log.push(`404 ${full}`);
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  return new Promise((done, fail) => {
    srv.once('error', fail);
    srv.listen(port, '127.0.0.1', () => {
      const p = (srv.address() as { port: number }).port;
      done({
        url: `http://127.0.0.1:${p}${prefix}`,
        output: () => log.join('\n'),
        stop: () =>
          new Promise<void>((r) => {
            srv.closeAllConnections();
            srv.close(() => r());
          }),
      });
    });
  });
}
