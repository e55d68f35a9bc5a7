/** A minimal Server-Sent Events client for tests: collects every event of one stream. */
export interface SseEvent {
  readonly event: string;
  readonly id: string | undefined;
  readonly data: string;
}

export async function openEventStream(url: string, headers: Record<string, string>): Promise<{ events: SseEvent[]; close(): void }> {
  const abort = new AbortController();
  const response = await fetch(url, { headers: { ...headers, accept: 'text/event-stream' }, signal: abort.signal });
  if (response.status !== 200 || !response.body) throw new Error(`stream answered ${response.status}: ${await response.text()}`);
  const events: SseEvent[] = [];
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true as const }));
      if (done) return;
      buffer += value;
      // Events end with a blank line; comment lines (heartbeats) start with ':'.
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const lines = buffer.slice(0, end).split('\n');
        buffer = buffer.slice(end + 2);
        const field = (name: string) => lines.filter((l) => l.startsWith(`${name}:`)).map((l) => l.slice(name.length + 1).trimStart());
        if (field('data').length > 0) events.push({ event: field('event')[0] ?? 'message', id: field('id')[0], data: field('data').join('\n') });
      }
    }
  })();
  return { events, close: () => abort.abort() };
}
