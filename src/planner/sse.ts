/** Server-sent events of a streamed Chat Completions response: the JSON of each `data:` line, until `[DONE]`. */
export async function* sseData(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const reader = body.getReader();
  const utf8 = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += utf8.decode(value, { stream: true });
      let end: number;
      // Events end at a blank line; each may hold several `data:` lines (joined with newlines).
      while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + (buffer[end] === '\r' ? 4 : 2));
        const data = event
          .split(/\r?\n/)
          .filter((l) => l.startsWith('data:'))
          .map((l) => l.slice(5).replace(/^ /, ''))
          .join('\n');
        if (!data) continue;
        if (data === '[DONE]') return;
        yield data;
      }
    }
  } finally {
    // Stopped early (an abort, a consumer that returned): cancelling the reader cancels the response.
    await reader.cancel().catch(() => undefined);
  }
}
