import { request, type ClientRequest } from 'node:http';

export interface SseEvent {
  readonly event: string;
  readonly id: string;
  readonly data: string;
}

/** A minimal SSE reader over node:http (one socket per stream, no fetch machinery in the way). */
export function openStream(url: string, headers: Record<string, string>, onEvent: (event: SseEvent) => void): Promise<{ close: () => void }> {
  return new Promise((resolve, reject) => {
    const req: ClientRequest = request(url, { headers: { ...headers, accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`stream answered ${res.statusCode}`));
        res.resume();
        return;
      }
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const field = (name: string) =>
            block
              .split('\n')
              .filter((l) => l.startsWith(`${name}:`))
              .map((l) => l.slice(name.length + 1).trimStart())
              .join('\n');
          if (block.startsWith(':')) continue;
          onEvent({ event: field('event') || 'message', id: field('id'), data: field('data') });
        }
      });
      resolve({ close: () => req.destroy() });
    });
    req.on('error', reject);
    req.setTimeout(30_000, () => req.destroy(new Error('stream did not open within 30 s')));
    req.end();
  });
}
