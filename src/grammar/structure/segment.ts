/** A compiled part of a structure: its shortest length, and how to put its start on a stack. */
import type { Stack } from '../frames/stack.ts';

export interface Segment {
  /** Fewest bytes of any text of this segment. */
  readonly min: number;
  /** `below` with this segment to parse first. */
  push(below: Stack): Stack;
}
