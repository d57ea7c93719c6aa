/**
 * The runtime's only Node-specific code: onnxruntime-node and local files. The browser build
 * replaces this module with node-io.browser.ts (vite.config.ts), so no browser bundle ever sees a
 * Node specifier; the package's `node` export condition serves the build that keeps it.
 */
import { BackendError, DownloadError, ModelFileNotFoundError } from './errors.ts';
import type { OrtModule } from './ort.ts';

/** onnxruntime-node, or a BackendError that says how to install it. */
export async function importOrtNode(): Promise<OrtModule> {
  try {
    return (await import('onnxruntime-node')) as unknown as OrtModule;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') throw new BackendError(`onnxruntime-node failed to load: ${(e as Error).message}`, { cause: e });
    throw new BackendError(
      'onnxruntime-node is not installed; in Node toolplan runs on it: `npm install onnxruntime-node` (offline or without a GPU: `ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node`)',
      { cause: e },
    );
  }
}

/** Reads a local model file. */
export async function readLocalFile(path: string): Promise<Uint8Array> {
  // Typed here rather than with @types/node: the library's declarations stay free of Node types.
  const spec: string = 'node:fs/promises';
  const fs = (await import(spec)) as { readFile(path: string): Promise<Uint8Array> };
  try {
    return new Uint8Array(await fs.readFile(path));
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') throw new ModelFileNotFoundError(path);
    throw new DownloadError(path, (e as Error).message, { cause: e });
  }
}

/** Whether a local model file exists (probing a dtype whose files a folder may lack). */
export async function localFileExists(path: string): Promise<boolean> {
  const spec: string = 'node:fs/promises';
  const fs = (await import(spec)) as { stat(path: string): Promise<unknown> };
  try {
    await fs.stat(path);
    return true;
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return false;
    throw new DownloadError(path, (e as Error).message, { cause: e });
  }
}
