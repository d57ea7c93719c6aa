/**
 * Tools as one value: normalised and checked as plain JSON once per call, their content read once
 * into a key that is carried down (the plan grammar's cache key, the schema checks, the validators).
 * The one rule for a tool schema changed in place: every cache is keyed by content, never by the
 * schema object, and a call reads that content when it begins; a later call over the same objects,
 * edited, reads the new content and gets a new key (and its checks run again).
 */
import { contentHash } from '../grammar/index.ts';
import { checkToolsJson } from './tool-schemas.ts';
import { normalizeTools, type Tool, type ToolInput } from './tools.ts';

export class ToolSet {
  private constructor(
    /** The tools, normalised. */
    readonly tools: readonly Tool[],
    /** A hash of every tool's name and parameters (what a plan grammar depends on). */
    readonly key: string,
    /** Length of the JSON the key hashes (the plan grammar's size estimate). */
    readonly sourceBytes: number,
  ) {}

  /** Each tool's parameters as JSON, read on first use (the checks of a new set, the validators). */
  private readonly json: (string | undefined)[] = [];

  /** Normalises `input` and reads its content (ToolDefinitionError for a bad tool or a schema that is not plain JSON). */
  static of(input: readonly ToolInput[] | unknown): ToolSet {
    // Plain JSON first: JSON.stringify throws a bare TypeError on a BigInt or a cycle, and turns NaN into null.
    const tools = checkToolsJson(normalizeTools(input));
    // One serialization for the key (3,000 tools: a few megabytes); each schema's own JSON only when needed.
    const text = JSON.stringify(tools.map((t) => [t.name, t.parameters]));
    return new ToolSet(tools, contentHash(text), text.length);
  }

  /** The JSON of tool `i`'s parameters (read once per set). */
  parametersJson(i: number): string {
    return (this.json[i] ??= JSON.stringify(this.tools[i]!.parameters));
  }
}
