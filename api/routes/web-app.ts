import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { Hono } from 'hono';
import { ApiError } from '../problem.js';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

// Scripts only from our own origin: a token lives in the page, so nothing injected may run beside it.
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/**
 * The web client (web/, built by `npm run web:build` into `distDir`) at /app/. A hand-written route
 * rather than @hono/node-server's serveStatic: that one resolves its root against the working
 * directory, and the API runs from several (the repository, the image, tests). Names under assets/
 * are Vite's content-hashed file names, so they are cached for good and contain no path separators.
 */
export function webAppRoutes(distDir: string): Hono {
  const notBuilt = () =>
    new ApiError(404, 'WEB_APP_NOT_BUILT', { detail: 'The web app is not built here: run `npm run web:build`' });
  const read = (path: string) =>
    readFile(path).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw notBuilt();
      throw error;
    });
  const index = async () =>
    new Response(new Uint8Array(await read(join(distDir, 'index.html'))), {
      headers: {
        'Content-Type': 'text/html; charset=utf-8',
        'Cache-Control': 'no-cache',
        'Content-Security-Policy': CSP,
        'X-Content-Type-Options': 'nosniff',
      },
    });

  return new Hono()
    .get('/app', (c) => c.redirect('/app/', 301))
    .get('/app/', index)
    .get('/app/assets/:name{[A-Za-z0-9._-]+}', async (c) => {
      const name = c.req.param('name');
      const type = TYPES[extname(name)];
      if (type === undefined || name.startsWith('.')) return c.notFound();
      const file = await readFile(join(distDir, 'assets', name)).catch(() => undefined);
      if (file === undefined) return c.notFound();
      return c.body(new Uint8Array(file), 200, {
        'Content-Type': type,
        'Cache-Control': 'public, max-age=31536000, immutable',
        'X-Content-Type-Options': 'nosniff',
      });
    });
}
