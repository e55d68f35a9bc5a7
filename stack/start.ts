import { createDevToken } from '../adapters/auth/dev-token.js';
import { ConfigError, loadConfig, type Config } from '../config/index.js';
import { localHost, localTracing, platformProcesses } from './platform-processes.js';
import { status, up } from './stack.js';
import { supervise } from './supervisor.js';

/**
 * `npm start`: brings the local engines up, runs the platform (domain services, worker, bridge, api)
 * as child processes with prefixed logs (restarted with backoff when one crashes), and once every one
 * is ready prints where to look and a dev token to try it with.
 * Ctrl-C stops the platform's processes; the engines keep running (`npm run stack:down` stops them).
 */
const log = (line: string) => process.stdout.write(`[start] ${line}\n`);
const HEALTH_DEADLINE_MS = 90_000;

async function main(): Promise<void> {
  const config = loadConfig();
  await up(config, log);
  for (const engine of await status(config))
    log(`  ${engine.name.padEnd(10)} ${engine.state.padEnd(9)} ${config.STACK_HOST}:${engine.port}`);
  log('starting the platform: accounts, partners, transactions, offers, worker, bridge, api');

  const supervisor = supervise(platformProcesses(config, localTracing(config)), {
    write: (line) => process.stdout.write(`${line}\n`),
    colour: process.stdout.isTTY === true,
  });
  let stopping: Promise<void> | undefined;
  const stopAll = (why: string, exitCode: number) =>
    (stopping ??= (async () => {
      log(`${why}: stopping the platform's processes (up to 15 s each)`);
      const exits = await supervisor.stop(15_000);
      log(`stopped: ${exits.map((e) => `${e.name} ${e.signal ?? `code ${e.code}`}`).join(', ')}`);
      log('The engines keep running; `npm run stack:down` stops them.');
      process.exit(exitCode);
    })());
  // SIGHUP: the terminal closed; the children (process groups of their own) would not notice.
  // A process that exits on its own is restarted by the supervisor, as production's orchestrator does.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stopAll(signal, 0));

  try {
    await supervisor.waitHealthy(HEALTH_DEADLINE_MS);
  } catch (error) {
    await stopAll(error instanceof Error ? error.message : String(error), 1);
    return;
  }
  if (stopping) return;
  for (const line of await banner(config)) log(line);
}

async function banner(config: Config): Promise<string[]> {
  const api = `http://${localHost(config.BIND_HOST)}:${config.API_PORT}`;
  const token = await createDevToken(config, { userId: 'u-1' });
  // The same user with the admin role: the web app then also shows the ops console.
  const adminToken = await createDevToken(config, { userId: 'u-1', admin: true });
  const auth = '-H "Authorization: Bearer $TOKEN"';
  return [
    '',
    'The platform is up.',
    `  web app      ${api}/app/#token=${token}`,
    `  ops console  ${api}/app/#token=${adminToken}`,
    '               (dev logins for u-1, valid 12 h; the ops link carries the admin role)',
    `  API          ${api}`,
    `  API docs     ${api}/docs`,
    `  Temporal UI  http://${config.STACK_HOST}:${config.TEMPORAL_UI_PORT}/namespaces/${config.TEMPORAL_NAMESPACE}/workflows`,
    `  traces       ${config.TRACE_VIEWER_URL} (\`npm run ops -- trace u-1\` finds a user's latest rebuild)`,
    `  bridge       http://${localHost(config.BIND_HOST)}:${config.BRIDGE_PORT}/metrics`,
    `  worker       http://${localHost(config.BIND_HOST)}:${config.WORKER_PORT}/metrics`,
    '',
    'A dev token for user u-1 (valid 12 h; `npm run token -- --user u-2` makes others):',
    `  export TOKEN=${token}`,
    '',
    'Try it:',
    `  curl -s ${auth} -H 'X-Client-Platform: ios' -H 'X-Client-Version: 4.0.0' ${api}/v1/dashboard`,
    `  curl -s -X PATCH ${auth} -H 'If-Match: "0"' -H 'Content-Type: application/merge-patch+json' -d '{"sections":{"accounts":{"sort":"alphabetical"}}}' ${api}/v1/preferences`,
    `  curl -N ${auth} -H 'X-Client-Platform: ios' -H 'X-Client-Version: 4.0.0' ${api}/v1/dashboard/stream`,
    '(If-Match takes the version from the ETag of GET /v1/preferences; "0" is a user who never changed anything.)',
    '',
    'Ctrl-C stops the platform; the engines keep running.',
  ];
}

main().catch((error: unknown) => {
  process.stderr.write(
    `[start] ${error instanceof ConfigError || error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
