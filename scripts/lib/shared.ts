import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** The workplace's shared data folder: beside the repository (as CI has it), or TOOLPLAN_SHARED. */
export function sharedData(sub: string): string {
  const root = process.env.TOOLPLAN_SHARED ?? resolve(import.meta.dirname, '../../../shared');
  const dir = resolve(root, 'data', sub);
  if (!existsSync(dir)) throw new Error(`${dir} missing: shared/ must sit beside the repository (or set TOOLPLAN_SHARED)`);
  return dir;
}
