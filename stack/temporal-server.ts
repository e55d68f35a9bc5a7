import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { splitAddress, temporalUiCodecEndpoint, type Config } from '../config/index.js';
import { probeHttp, probeTemporal } from '../adapters/engine-probes.js';
import { ensureDatabase } from './bootstrap.js';
import { managed, requireInstalled, root, stackPaths, type Engine } from './engine.js';

/**
 * The production profile's Temporal (`npm run stack:up -- --profile production`): Temporal's own
 * server, built from its Go module by `npm run setup`, on the stack's Cassandra (history, matching) and
 * PostgreSQL (visibility), with its schemas applied by Temporal's schema tools, and the Temporal UI
 * server beside it. The default profile runs the dev server instead, which starts in a second.
 */
export function temporalServerEngines(config: Config): Engine[] {
  const bin = (name: string) => join(temporalServerDir(config), 'bin', name);
  const host = config.STACK_HOST;
  const frontendPort = splitAddress(config.TEMPORAL_ADDRESS).port;
  // One folder per frontend port holds an instance's config and pid files and names its processes (their
  // markers), so a test's private cluster and the stack's never take each other for their own.
  const instance = join(temporalServerDir(config), `port-${frontendPort}`);
  const logs = stackPaths(config).logs;
  const instanceProcess = (name: string, marker: string) => ({
    ...managed(config, name, marker),
    pidFile: join(instance, `${name}.pid`),
    logFile: join(logs, `${name}-${frontendPort}.log`),
  });

  const server: Engine = {
    ...instanceProcess('temporal', join(instance, 'config')),
    port: frontendPort,
    readyDeadlineSeconds: 180,
    needs: ['cassandra', 'postgres'],
    async prepare() {
      requireInstalled(bin('server'), 'the Temporal server');
      await applyTemporalSchema(config);
      mkdirSync(join(instance, 'config'), { recursive: true });
      copyFileSync(join(root, 'temporal-config/server.yaml'), join(instance, 'config', 'production.yaml'));
    },
    command() {
      const visibility = new URL(config.ANALYTICS_DATABASE_URL);
      return {
        command: bin('server'),
        // The config folder in full on the command line: it is the process's marker.
        args: ['--root', '/', '--config', join(instance, 'config'), '--env', 'production', 'start'],
        // What temporal-config/server.yaml reads; docker-compose.yml sets the same for production.
        env: {
          TEMPORAL_HISTORY_SHARDS: String(config.TEMPORAL_HISTORY_SHARDS),
          CASSANDRA_CONTACT_POINTS: config.CASSANDRA_CONTACT_POINTS.join(','),
          CASSANDRA_PORT: String(config.CASSANDRA_PORT),
          CASSANDRA_LOCAL_DC: config.CASSANDRA_LOCAL_DC,
          TEMPORAL_KEYSPACE: config.TEMPORAL_KEYSPACE,
          TEMPORAL_VISIBILITY_DATABASE: config.TEMPORAL_VISIBILITY_DATABASE,
          TEMPORAL_VISIBILITY_ADDRESS: visibility.host,
          TEMPORAL_VISIBILITY_USER: decodeURIComponent(visibility.username),
          TEMPORAL_VISIBILITY_PASSWORD: decodeURIComponent(visibility.password),
          TEMPORAL_BIND_IP: host,
          TEMPORAL_BROADCAST_ADDRESS: host,
          TEMPORAL_FRONTEND_PORT: String(frontendPort),
          TEMPORAL_DYNAMIC_CONFIG: join(root, 'temporal-config/production.yaml'),
        },
      };
    },
    // A real cluster has no 'default' namespace until one is registered; its system namespace answers
    // once the frontend, the history shards and Cassandra do.
    probe: () => probeTemporal(config.TEMPORAL_ADDRESS, 'temporal-system'),
  };

  const ui: Engine = {
    ...instanceProcess('temporal-ui', join(instance, 'ui-config')),
    port: config.TEMPORAL_UI_PORT,
    readyDeadlineSeconds: 30,
    needs: ['temporal'],
    prepare() {
      requireInstalled(bin('ui-server'), 'the Temporal UI server');
      mkdirSync(join(instance, 'ui-config'), { recursive: true });
      writeFileSync(
        join(instance, 'ui-config', 'production.yaml'),
        [
          `temporalGrpcAddress: ${config.TEMPORAL_ADDRESS}`,
          `host: ${host}`,
          `port: ${config.TEMPORAL_UI_PORT}`,
          'enableUi: true',
          `defaultNamespace: ${config.TEMPORAL_NAMESPACE}`,
          'notifyOnNewVersion: false',
          // Payloads sealed with a user's key are opened by the API for admin tokens (passed when the UI signs in).
          'codec:',
          `  endpoint: ${temporalUiCodecEndpoint(config)}`,
          '  passAccessToken: true',
          '',
        ].join('\n'),
      );
    },
    command() {
      return {
        command: bin('ui-server'),
        args: ['--root', '/', '--config', join(instance, 'ui-config'), '--env', 'production', 'start'],
      };
    },
    probe: () => probeHttp(`http://${host}:${config.TEMPORAL_UI_PORT}/api/v1/settings`),
  };

  return [server, ui];
}

/** Where `npm run setup` builds the server, its schema tools and the UI server (bin/), and instances run. */
export const temporalServerDir = (config: Config) => join(stackPaths(config).dir, 'temporal-server');

const SCHEMA_DEADLINE_MS = 120_000;

/**
 * Temporal's schemas, applied the way Temporal's own setup does: create the keyspace and the database,
 * record version 0.0, then apply every newer versioned schema the tools carry. Each step is idempotent
 * (an existing keyspace is kept, a recorded version is never set back, applied versions are skipped), so
 * it runs on every start and as the deployment's init step (stack/init.ts).
 */
export async function applyTemporalSchema(config: Config): Promise<string> {
  const tools = config.TEMPORAL_SCHEMA_TOOLS ?? join(temporalServerDir(config), 'bin');
  const cassandraTool = join(tools, 'cassandra');
  const sqlTool = join(tools, 'sql');
  requireInstalled(cassandraTool, 'the Temporal schema tools');
  const keyspace = config.TEMPORAL_KEYSPACE;
  const database = config.TEMPORAL_VISIBILITY_DATABASE;
  const cassandra = [
    '--endpoint',
    config.CASSANDRA_CONTACT_POINTS.join(','),
    '--port',
    String(config.CASSANDRA_PORT),
    '--datacenter',
    config.CASSANDRA_LOCAL_DC,
    '--keyspace',
    keyspace,
  ];
  await tool(cassandraTool, [
    ...cassandra,
    'create-keyspace',
    '--keyspace',
    keyspace,
    '--replication-factor',
    String(config.CASSANDRA_REPLICATION_FACTOR),
  ]);
  await tool(cassandraTool, [...cassandra, 'setup-schema', '--version', '0.0']);
  await tool(cassandraTool, [...cassandra, 'update-schema', '--schema-name', 'cassandra/temporal']);

  await ensureDatabase(config.ANALYTICS_DATABASE_URL, database);
  const url = new URL(config.ANALYTICS_DATABASE_URL);
  const sql = [
    '--plugin',
    'postgres12',
    '--endpoint',
    url.hostname,
    '--port',
    url.port || '5432',
    '--user',
    decodeURIComponent(url.username),
    '--password',
    decodeURIComponent(url.password),
    '--database',
    database,
  ];
  await tool(sqlTool, [...sql, 'setup-schema', '--version', '0.0']);
  await tool(sqlTool, [...sql, 'update-schema', '--schema-name', 'postgresql/v12/visibility']);
  return `Temporal schema of keyspace ${keyspace} and database ${database} up to date`;
}

/** Runs one schema tool command; throws with its output when it fails or outlives its deadline. */
async function tool(command: string, args: string[]): Promise<void> {
  await promisify(execFile)(command, args, { timeout: SCHEMA_DEADLINE_MS, killSignal: 'SIGKILL' }).catch(
    (error: { stdout?: string; stderr?: string; message: string }) => {
      const output = `${error.stdout ?? ''}${error.stderr ?? ''}`.slice(-2000);
      throw new Error(
        `${command} ${args.join(' ')} failed or took over ${SCHEMA_DEADLINE_MS / 1000} s:\n${output || error.message}`,
      );
    },
  );
}
