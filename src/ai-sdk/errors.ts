/** The AI SDK adapter's own error: a request the planner cannot serve, refused before any compute. */
import { ToolplanError } from '../toolplan-error.ts';

/**
 * A call asks for something toolplan does not do: free text (no tools and no JSON schema), an empty
 * prompt, a last message that is not the user's or a tool result. Refused loudly, never answered
 * with an unconstrained generation.
 */
export class UnsupportedRequestError extends ToolplanError {
  override name: string = 'UnsupportedRequestError';
  constructor(
    /** What was asked for: `text`, `prompt`, `toolChoice`, … */
    readonly feature: string,
    detail: string,
  ) {
    super(`${feature}: ${detail}`);
  }
}
