import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import cassandra from 'cassandra-driver';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDashboardWorkflows } from '../../adapters/temporal/dashboard-workflows.js';
import { loadConfig, taskQueues, type Config } from '../../config/index.js';
import type { BuildOutcome, BuildRequest } from '../../contract/workflows.js';
import { bootstrapTemporal } from '../../stack/bootstrap.js';
import type { Engine } from '../../stack/engine.js';
import { stopProcess } from '../../stack/processes.js';
import { startEngine } from '../../stack/stack.js';
import { temporalServerEngines } from '../../stack/temporal-server.js';
import { bundleWorkflows } from '../../workers/create-worker.js';
import { emptyView } from '../support/fixtures.js';
import { unique } from '../support/unique.js';

/**
 * The production profile's Temporal (`npm run stack:up -- --profile production`), proven on every run
 * with a private cluster beside the stack's dev server: Temporal's own server and UI server as setup
 * built them, on the stack's Cassandra and PostgreSQL under a keyspace and a database of its own, its
 * schema applied by the deployment's init step, then the platform's namespace and search attributes.
 * The platform's workflow code runs on it; its build activity is a stand-in, since the server is what
 * is under test here (the whole suite also runs on this profile: README).
 */
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const id = unique('t')
  .replace(/[^a-z0-9]/gi, '_')
  .toLowerCase();
let config: Config;
let engines: Engine[];

/**
 * A frontend port whose neighbours (history, matching, worker, membership, and the UI at +3) are all
 * free too; below Linux's ephemeral range, so no outgoing connection of another test can take one
 * between this check and the servers' start.
 */
async function freeClusterPort(): Promise<number> {
  const free = (port: number) =>
    new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const all = [0, 1, 2, 3, 6, -300, -299, -298, -294].map((offset) => port + offset);
    if ((await Promise.all(all.map(free))).every(Boolean)) return port;
  }
}

beforeAll(async () => {
  const port = await freeClusterPort();
  config = loadConfig({
    ...process.env,
    STACK_PROFILE: 'production',
    TEMPORAL_ADDRESS: `127.0.0.1:${port}`,
    TEMPORAL_UI_PORT: String(port + 3),
    TEMPORAL_KEYSPACE: `temporal_${id}`.slice(0, 48),
    TEMPORAL_VISIBILITY_DATABASE: `temporal_visibility_${id}`.slice(0, 63),
    TEMPORAL_HISTORY_SHARDS: '4',
    TEMPORAL_TASK_QUEUE: unique('cluster'),
  });
  engines = temporalServerEngines(config);
}, 30_000);

afterAll(async () => {
  await Promise.all((engines ?? []).map((engine) => stopProcess(engine, 10_000)));
  if (!config) return;
  const store = new cassandra.Client({
    contactPoints: config.CASSANDRA_CONTACT_POINTS,
    protocolOptions: { port: config.CASSANDRA_PORT },
    localDataCenter: config.CASSANDRA_LOCAL_DC,
  });
  await store.execute(`DROP KEYSPACE IF EXISTS ${config.TEMPORAL_KEYSPACE}`).finally(() => store.shutdown());
  const server = new URL(config.ANALYTICS_DATABASE_URL);
  server.pathname = '/postgres';
  const visibility = new pg.Client({ connectionString: server.toString() });
  await visibility.connect();
  await visibility
    .query(`DROP DATABASE IF EXISTS "${config.TEMPORAL_VISIBILITY_DATABASE}" WITH (FORCE)`)
    .finally(() => visibility.end());
}, 60_000);

describe('the production Temporal profile', () => {
  it("applies Temporal's schema with the deployment's init step, as often as it is run", async () => {
    const env = {
      ...process.env,
      TEMPORAL_KEYSPACE: config.TEMPORAL_KEYSPACE,
      TEMPORAL_VISIBILITY_DATABASE: config.TEMPORAL_VISIBILITY_DATABASE,
    };
    for (let run = 0; run < 2; run++) {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', 'stack/init.ts', 'temporal-schema'],
        { cwd: repoRoot, env, timeout: 180_000 },
      );
      expect(stdout.trim()).toBe(
        `temporal-schema: Temporal schema of keyspace ${config.TEMPORAL_KEYSPACE} and database ${config.TEMPORAL_VISIBILITY_DATABASE} up to date`,
      );
    }
  }, 360_000);

  it('runs the platform: a cluster on Cassandra takes the namespace and search attributes, rebuilds a dashboard by update-with-start, finds it by user in visibility, and the UI shows it', async () => {
    for (const engine of engines) await startEngine(engine);
    expect(await bootstrapTemporal(config)).toMatch(/registered namespace .*; search attributes UserId, Trigger/);

    const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
    const clientConnection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
    const client = new Client({ connection: clientConnection, namespace: config.TEMPORAL_NAMESPACE });
    const queues = taskQueues(config);
    const builds: BuildRequest[] = [];
    const activities = {
      async buildDashboardOutcome(request: BuildRequest): Promise<BuildOutcome> {
        builds.push(request);
        return { view: emptyView(request.userId, (request.afterVersion ?? 0) + 1), unsettled: [] };
      },
    };
    const worker = await Worker.create({
      connection,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: queues.interactive,
      workflowBundle: await bundleWorkflows(),
      activities,
    });
    const userId = unique('u-cluster');
    try {
      const view = await worker.runUntil(
        // A namespace just registered reaches every service of a cluster within its cache refresh.
        vi.waitFor(() => createDashboardWorkflows(client, queues).rebuildNow(userId, 'miss', 10_000), {
          timeout: 30_000,
          interval: 500,
        }),
      );
      expect(view).toMatchObject({ userId, version: 1 });
      expect(builds).toEqual([expect.objectContaining({ userId, trigger: 'miss' })]);

      const listed = await vi.waitFor(
        async () => {
          const found = [];
          for await (const execution of client.workflow.list({ query: `UserId = '${userId}'` })) found.push(execution);
          if (found.length === 0) throw new Error('not listed yet');
          return found;
        },
        { timeout: 30_000, interval: 500 },
      );
      expect(listed.map((e) => e.type)).toEqual(['rebuildDashboard']);

      const ui = `http://${config.STACK_HOST}:${config.TEMPORAL_UI_PORT}`;
      const page = await fetch(
        `${ui}/api/v1/namespaces/${config.TEMPORAL_NAMESPACE}/workflows?query=${encodeURIComponent(`UserId = '${userId}'`)}`,
      );
      expect(page.status).toBe(200);
      expect(JSON.stringify(await page.json())).toContain(listed[0]!.workflowId);
    } finally {
      await clientConnection.close();
      await connection.close();
    }
  }, 300_000);
});
