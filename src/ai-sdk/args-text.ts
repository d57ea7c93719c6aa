/**
 * Streams the text of the one step's `args` object out of a streamed `steps` plan
 * (`{"steps":[{"id":1,"tool":"…","args":{…},"depends_on":[]}]}`), so structured output streams as
 * the object itself: the AI SDK parses the concatenated deltas as partial JSON.
 */
export class ArgsText {
  private text = '';
  private at = -1;
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** The object's text so far. */
  value = '';
  /** True once the object has closed. */
  done = false;

  /** Feeds streamed plan text; returns the new part of the object's text ('' when none). */
  push(chunk: string): string {
    if (this.done) return '';
    this.text += chunk;
    if (this.at < 0) {
      const i = this.text.indexOf('"args":');
      if (i < 0) return '';
      this.at = i + '"args":'.length;
    }
    const from = this.at;
    for (; this.at < this.text.length && !this.done; this.at++) {
      const c = this.text[this.at]!;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === '\\') this.escaped = true;
        else if (c === '"') this.inString = false;
      } else if (c === '"') this.inString = true;
      else if (c === '{' || c === '[') this.depth++;
      else if (c === '}' || c === ']') this.done = --this.depth === 0;
    }
    const delta = this.text.slice(from, this.at);
    this.value += delta;
    return delta;
  }
}
