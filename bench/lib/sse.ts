import { request, type ClientRequest } from 'node:http';
import { createParser } from 'eventsource-parser';

export interface SseEvent {
  readonly event: string;
  readonly id: string;
  readonly data: string;
}

/**
 * An SSE reader over node:http (one socket per stream, no fetch machinery in the way), parsed by eventsource-parser.
 */
export function openStream(
  url: string,
  headers: Record<string, string>,
  onEvent: (event: SseEvent) => void,
): Promise<{ close: () => void }> {
  return new Promise((resolve, reject) => {
    const req: ClientRequest = request(url, { headers: { ...headers, accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`stream answered ${res.statusCode}`));
        res.resume();
        return;
      }
      const parser = createParser({
        onEvent: ({ event, id, data }) => onEvent({ event: event ?? 'message', id: id ?? '', data }),
      });
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => parser.feed(chunk));
      resolve({ close: () => req.destroy() });
    });
    req.on('error', reject);
    req.setTimeout(30_000, () => req.destroy(new Error('stream did not open within 30 s')));
    req.end();
  });
}
