/**
 * Browser stand-in for node-io.ts (swapped in by the browser build): no Node specifier at all, so
 * every bundler and dev server takes the package without configuration.
 */
import { BackendError } from './errors.ts';
import type { OrtModule } from './ort.ts';

export function importOrtNode(): Promise<OrtModule> {
  return Promise.reject(new BackendError('onnxruntime-node is only available in Node (this is the browser build of toolplan)'));
}

export function readLocalFile(path: string): Promise<Uint8Array> {
  return Promise.reject(new BackendError(`cannot read the local file ${path} in a browser: give the model as a URL`));
}

export function localFileExists(path: string): Promise<boolean> {
  return Promise.reject(new BackendError(`cannot check the local file ${path} in a browser: give the model as a URL`));
}
