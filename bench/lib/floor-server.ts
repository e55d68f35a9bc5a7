import { fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';

/**
 * The cache-hit floor: a minimal Node HTTP server in its own process that sends the same bytes from
 * memory. Whatever the API costs beyond this is ours; the ratio is what the benchmark reports.
 */
export async function startFloorServer(
  body: string,
  headers: Record<string, string>,
): Promise<{ url: string; stop: () => void }> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['serve'], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message) => resolve(Number(message)));
    child.once('exit', (code) => reject(new Error(`floor server exited with ${code}`)));
    child.send({ body, headers });
  });
  return { url: `http://127.0.0.1:${port}/`, stop: () => child.kill() };
}

if (process.argv[2] === 'serve') {
  // Gone with the benchmark, however it ends.
  process.once('disconnect', () => process.exit(0));
  process.once('message', (message: { body: string; headers: Record<string, string> }) => {
    const bytes = Buffer.from(message.body);
    const server = createServer((_req, res) => {
      res.writeHead(200, { ...message.headers, 'content-length': bytes.length });
      res.end(bytes);
    });
    server.keepAliveTimeout = 60_000;
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      process.send?.(typeof address === 'object' && address ? address.port : 0);
    });
  });
}
