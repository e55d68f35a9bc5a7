import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Hono } from 'hono';

/**
 * Swagger UI's own files, served from its npm package (swagger-ui-dist) by the API itself: the docs
 * load on a network without internet access, where a page that fetches them from a CDN stays blank.
 */
const ASSETS = new Map([
  ['swagger-ui.css', 'text/css; charset=utf-8'],
  ['swagger-ui-bundle.js', 'text/javascript; charset=utf-8'],
  ['favicon-32x32.png', 'image/png'],
]);
const assetsDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

/** The page's own start-up, a file rather than an inline script so a strict Content-Security-Policy allows it. */
const initScript = (specUrl: string) =>
  `window.ui = SwaggerUIBundle({ url: ${JSON.stringify(specUrl)}, dom_id: '#swagger-ui', deepLinking: true });\n`;

const page = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Dashboard API</title>
  <link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png">
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>
`;

/** GET /docs: Swagger UI over the OpenAPI document at `specUrl`, with every file it needs. */
export function docsRoutes(specUrl: string): Hono {
  // Read once, on first request; the package's files do not change while the process runs.
  const files = new Map<string, Promise<Buffer>>();
  const asset = (name: string) => {
    let file = files.get(name);
    if (!file) files.set(name, (file = readFile(join(assetsDir, name))));
    return file;
  };

  return new Hono()
    .get('/docs', (c) => c.html(page))
    .get('/docs/init.js', (c) => c.body(initScript(specUrl), 200, { 'Content-Type': 'text/javascript; charset=utf-8' }))
    .get('/docs/assets/:name', async (c) => {
      const name = c.req.param('name');
      const type = ASSETS.get(name);
      if (!type) return c.notFound();
      return c.body(new Uint8Array(await asset(name)), 200, {
        'Content-Type': type,
        'Cache-Control': 'public, max-age=86400',
      });
    });
}
