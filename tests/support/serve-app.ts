import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { serverWithFastRead, type FastRead } from '../../api/fast-read.js';

/**
 * Serves an app on a free port, as the real process does: with the API's fast read when the app has
 * one, counting the requests it answered ahead of the app.
 */
export async function serveApp(app: {
  fetch: (request: Request) => Response | Promise<Response>;
  fastRead?: FastRead;
}): Promise<{ baseUrl: string; fastAnswers(): number; close(): Promise<void> }> {
  let fastAnswers = 0;
  const { fastRead } = app;
  const counted: FastRead | undefined =
    fastRead &&
    ((request, response) => {
      const answered = fastRead(request, response);
      if (answered) fastAnswers++;
      return answered;
    });
  const server: ServerType = await new Promise((resolve) => {
    const started: ServerType = serve(
      { fetch: app.fetch, createServer: serverWithFastRead(counted), port: 0, hostname: '127.0.0.1' },
      () => resolve(started),
    );
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    fastAnswers: () => fastAnswers,
    close: () =>
      new Promise((resolve) => {
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
