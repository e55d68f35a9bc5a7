import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';

/** Serves an app on a free port, as the real process does. */
export async function serveApp(app: {
  fetch: (request: Request) => Response | Promise<Response>;
}): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const server: ServerType = await new Promise((resolve) => {
    const started: ServerType = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started));
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
