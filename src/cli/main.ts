/**
 * The `toolplan` command (Node, onnxruntime-node):
 *
 *   toolplan plan --model <hub id | URL | folder> --tools tools.json [--stream] [--temperature 0.7] [--format tool-calls] "query"
 *   toolplan check-tools tools.json
 *   toolplan serve --model <folder> [--host 127.0.0.1] [--port 8080]
 *
 * `plan` prints the plan as JSON on stdout (with `--stream`: tokens on stderr as they come, then one
 * line per step as it closes, then the plan); `check-tools` prints the normalized tool names or the
 * typed error naming the tool and JSON pointer. `--help` prints the usage (exit 0). Exit code 1 on
 * any error, 2 on bad usage.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Planner, checkTools, type PlanOptions, type ToolCallSyntax, type ToolInput } from '../planner/index.ts';
import type { ModelDtype } from '../model/index.ts';
import { ToolplanError, VERSION } from '../index.ts';
import { serve } from './serve.ts';

const USAGE = `usage:
  toolplan plan --model <hub id | URL | folder> --tools <tools.json> [--dtype q4] [--stream]
                [--temperature T] [--seed N] [--max-steps N] [--max-tokens N]
                [--format steps|tool-calls] [--syntax json|xml] "query"
  toolplan check-tools <tools.json>
  toolplan serve --model <hub id | URL | folder> [--dtype q4] [--host 127.0.0.1] [--port 8080]
                 [--max-pending 256] [--cors <origin>]
  toolplan --help | --version`;

class UsageError extends ToolplanError {
  override name: string = 'UsageError';
}

class ToolsFileError extends ToolplanError {
  override name: string = 'ToolsFileError';
}

/** A tools file's tools; an unreadable or broken file is a ToolsFileError naming the file. */
function readTools(path: string | undefined): ToolInput[] {
  if (!path) throw new UsageError('--tools <file> is required');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ToolsFileError(`cannot read ${path}: ${(e as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new ToolsFileError(`${path} is not valid JSON: ${(e as Error).message}`);
  }
  return (Array.isArray(parsed) ? parsed : [parsed]) as ToolInput[];
}

function num(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new UsageError(`${name} must be a number`);
  return n;
}

const DTYPES = ['fp32', 'fp16', 'q8', 'int8', 'uint8', 'q4', 'q4f16', 'bnb4'];

/** `plan`'s flags; an unknown flag or a flag without its value is a usage error (exit 2). */
function parsePlanArgs(rest: string[]) {
  try {
    return parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        model: { type: 'string' },
        tools: { type: 'string' },
        dtype: { type: 'string' },
        stream: { type: 'boolean', default: false },
        temperature: { type: 'string' },
        seed: { type: 'string' },
        'max-steps': { type: 'string' },
        'max-tokens': { type: 'string' },
        format: { type: 'string' },
        syntax: { type: 'string' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** Runs the command line `argv` (without node and script); returns the exit code. */
export async function main(argv: string[], out: (s: string) => void = (s) => process.stdout.write(s), err: (s: string) => void = (s) => process.stderr.write(s)): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === '--help' || command === '-h' || command === 'help' || rest.includes('--help') || rest.includes('-h')) {
      out(`${USAGE}\n`);
      return 0;
    }
    if (command === '--version' || command === '-v') {
      out(`${VERSION}\n`);
      return 0;
    }
    if (command === 'check-tools') {
      const tools = checkTools(readTools(rest[0]));
      out(`ok: ${tools.length} tool(s): ${tools.map((t) => t.name).join(', ')}\n`);
      return 0;
    }
    if (command === 'serve') return await serve(rest, err, (m) => new UsageError(m));
    if (command !== 'plan') throw new UsageError(command ? `unknown command "${command}"` : 'no command');
    const { values: o, positionals } = parsePlanArgs(rest);
    if (o.dtype !== undefined && !DTYPES.includes(o.dtype)) throw new UsageError(`--dtype must be one of ${DTYPES.join(', ')}`);
    const query = positionals.join(' ');
    if (!query) throw new UsageError('a query is required');
    const tools = readTools(o.tools);
    checkTools(tools);
    const opts: PlanOptions = {};
    const t = num(o.temperature, '--temperature');
    const seed = num(o.seed, '--seed');
    const maxSteps = num(o['max-steps'], '--max-steps');
    const maxTokens = num(o['max-tokens'], '--max-tokens');
    if (t !== undefined) opts.temperature = t;
    if (seed !== undefined) opts.seed = seed;
    if (maxSteps !== undefined) opts.maxSteps = maxSteps;
    if (maxTokens !== undefined) opts.maxTokens = maxTokens;
    if (o.format !== undefined) {
      if (o.format !== 'steps' && o.format !== 'tool-calls') throw new UsageError('--format must be steps or tool-calls');
      opts.format = o.format;
    }
    if (o.syntax !== undefined && o.syntax !== 'json' && o.syntax !== 'xml') throw new UsageError('--syntax must be json or xml');
    const ac = new AbortController();
    const onSigint = () => ac.abort(new DOMException('interrupted', 'AbortError'));
    process.once('SIGINT', onSigint);
    opts.signal = ac.signal;
    const planner = await Planner.create({
      ...(o.model ? { model: o.model } : {}),
      ...(o.dtype ? { dtype: o.dtype as ModelDtype } : {}),
      ...(o.syntax ? { preset: { toolCallSyntax: o.syntax as ToolCallSyntax } } : {}),
      onProgress: (p) => {
        if (p.status === 'done') err(`loaded ${p.file}${p.fromCache ? ' (cache)' : ''}\n`);
        if (p.status === 'ready') err(`running on ${p.device}: ${p.reason}\n`);
      },
    });
    try {
      if (!o.stream) {
        const r = await planner.plan(query, tools, opts);
        if (r.format === 'tool-calls') err(`${r.text}\n`);
        out(JSON.stringify(r.plan, null, 2) + '\n');
        err(`${r.stats.tokens} tokens, ${r.stats.forwardPasses} forward passes, ${r.stats.tokensPerSecond.toFixed(1)} tok/s\n`);
        return 0;
      }
      for await (const e of planner.stream(query, tools, opts)) {
        if (e.type === 'token') err(e.text);
        else if (e.type === 'step') out(`step ${JSON.stringify(e.step)}\n`);
        else out(`plan ${JSON.stringify(e.result.plan)}\n`);
      }
      err('\n');
      return 0;
    } finally {
      process.off('SIGINT', onSigint);
      await planner.dispose();
    }
  } catch (e) {
    const x = e as Error;
    err(`${x.name}: ${x.message}\n`);
    if (x instanceof UsageError) err(`${USAGE}\n`);
    return x instanceof UsageError ? 2 : 1;
  }
}
