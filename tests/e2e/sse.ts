import { createParser } from 'eventsource-parser';

/** A Server-Sent Events client for tests: collects every event of one stream. */
export interface SseEvent {
  readonly event: string;
  readonly id: string | undefined;
  readonly data: string;
}

export async function openEventStream(
  url: string,
  headers: Record<string, string>,
): Promise<{ events: SseEvent[]; close(): void }> {
  const abort = new AbortController();
  const response = await fetch(url, { headers: { ...headers, accept: 'text/event-stream' }, signal: abort.signal });
  if (response.status !== 200 || !response.body)
    throw new Error(`stream answered ${response.status}: ${await response.text()}`);
  const events: SseEvent[] = [];
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const parser = createParser({
    onEvent: ({ event, id, data }) => events.push({ event: event ?? 'message', id, data }),
  });
  void (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true as const }));
      if (done) return;
      parser.feed(value);
    }
  })();
  return { events, close: () => abort.abort() };
}
