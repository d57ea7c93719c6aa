/**
 * Spots plan steps as they close in streamed JSON text `{"steps":[{…},{…}]}`, so a UI can show
 * each step before the plan is done.
 */
export class StepScanner {
  private text = '';
  private depth = 0;
  private inString = false;
  private escaped = false;
  private start = -1;

  /** Feeds more text; returns the steps that closed in it. */
  push(chunk: string): unknown[] {
    const out: unknown[] = [];
    for (const ch of chunk) {
      const at = this.text.length;
      this.text += ch;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (ch === '\\') this.escaped = true;
        else if (ch === '"') this.inString = false;
        continue;
      }
      if (ch === '"') this.inString = true;
      else if (ch === '{' || ch === '[') {
        // Depth 2 is inside the steps array: an object opening there is a step.
        if (ch === '{' && this.depth === 2) this.start = at;
        this.depth++;
      } else if (ch === '}' || ch === ']') {
        this.depth--;
        if (ch === '}' && this.depth === 2 && this.start >= 0) {
          out.push(JSON.parse(this.text.slice(this.start, at + 1)));
          this.start = -1;
        }
      }
    }
    return out;
  }
}
