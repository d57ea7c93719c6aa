import { ToolplanError } from '../index.ts';

/** An HTTP error in OpenAI's shape: `{ error: { message, type, param, code } }`. */
export class HttpError extends ToolplanError {
  override name: string = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
    readonly type: string,
    readonly param: string | null = null,
    readonly code: string | null = null,
  ) {
    super(message);
  }

  body(): { error: { message: string; type: string; param: string | null; code: string | null } } {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}
