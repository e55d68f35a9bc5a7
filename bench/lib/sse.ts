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
  /** Called once when an open stream ends for any reason other than close(): the server left, the socket broke. */
  onEnd?: () => void,
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
      let closing = false;
      // A stream cut off mid-way errors before it closes; the close is what callers hear of.
      res.on('error', () => {});
      res.on('close', () => {
        if (!closing) onEnd?.();
      });
      resolve({
        close: () => {
          closing = true;
          req.destroy();
        },
      });
    });
    req.on('error', reject);
    req.setTimeout(30_000, () => req.destroy(new Error('stream did not open within 30 s')));
    req.end();
  });
}
