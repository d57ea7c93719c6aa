/**
 * toolplan: JSON tool-execution plans in the browser with a sub-1B model on WebGPU,
 * valid by construction.
 *
 * @packageDocumentation
 */

/** The package version. */
export const VERSION = '0.1.0';

export { ToolplanError } from './toolplan-error.ts';

export * from './grammar/index.ts';
export * from './model/index.ts';
export * from './planner/index.ts';
