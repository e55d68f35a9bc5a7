import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { splitAddress, temporalUiCodecEndpoint, type Config } from '../config/index.js';
import { managed, requireInstalled, root, stackPaths, stackProfile, type Engine } from './engine.js';
import { temporalServerEngines } from './temporal-server.js';
import {
  probeCassandra,
  probeHttp,
  probeKafka,
  probePostgres,
  probeRedis,
  probeTemporal,
} from '../adapters/engine-probes.js';

function java(config: Config): string {
  const file = join(stackPaths(config).dir, 'java.json');
  if (!existsSync(file)) throw new Error('no Java recorded: run `npm run setup` first');
  return (JSON.parse(readFileSync(file, 'utf8')) as { java: string }).java;
}

export function engines(config: Config): Engine[] {
  const paths = stackPaths(config);
  const host = config.STACK_HOST;
  const temporalPort = splitAddress(config.TEMPORAL_ADDRESS).port;
  const kafkaPort = splitAddress(config.KAFKA_BROKERS[0] ?? '127.0.0.1:9092').port;
  const redisPort = Number(new URL(config.REDIS_URL).port || 6379);

  const devServer: Engine = {
    ...managed(config, 'temporal', paths.data('temporal')),
    port: temporalPort,
    readyDeadlineSeconds: 90,
    prepare() {
      requireInstalled(join(paths.bin, 'temporal'), 'the Temporal CLI');
      mkdirSync(paths.data('temporal'), { recursive: true });
    },
    command() {
      const dynamic = parseYaml(readFileSync(join(root, 'temporal-config/development.yaml'), 'utf8')) as Record<
        string,
        { value: unknown }[]
      >;
      return {
        command: join(paths.bin, 'temporal'),
        args: [
          'server',
          'start-dev',
          '--ip',
          host,
          '--port',
          String(temporalPort),
          '--ui-port',
          String(config.TEMPORAL_UI_PORT),
          // Payloads sealed with a user's key show opened to operators whose token the API takes as admin.
          '--ui-codec-endpoint',
          temporalUiCodecEndpoint(config),
          '--db-filename',
          join(paths.data('temporal'), 'temporal.db'),
          // Write-ahead log without an fsync per transaction: the local server's throughput was bound by
          // SQLite fsyncs. Still safe if a process crashes; only an OS crash may lose the last moments.
          '--sqlite-pragma',
          'journal_mode=wal',
          '--sqlite-pragma',
          'synchronous=normal',
          '--log-level',
          'warn',
          ...Object.entries(dynamic).flatMap(([key, values]) => [
            '--dynamic-config-value',
            `${key}=${JSON.stringify(values[0]?.value)}`,
          ]),
        ],
      };
    },
    probe: () => probeTemporal(config.TEMPORAL_ADDRESS, 'default'),
  };

  const kafka: Engine = {
    ...managed(config, 'kafka', paths.conf('kafka')),
    port: kafkaPort,
    readyDeadlineSeconds: 120,
    prepare() {
      requireInstalled(join(paths.lib('kafka'), '.pom-sha'), 'Kafka');
      const conf = paths.conf('kafka');
      mkdirSync(conf, { recursive: true });
      const properties = readFileSync(join(root, 'stack/kafka/server.properties'), 'utf8')
        .replaceAll('${HOST}', host)
        .replaceAll('${PORT}', String(kafkaPort))
        .replaceAll('${CONTROLLER_PORT}', String(config.KAFKA_CONTROLLER_PORT))
        .replaceAll('${DATA_DIR}', paths.data('kafka'));
      writeFileSync(join(conf, 'server.properties'), properties);
      formatKafkaStorage(config);
    },
    command() {
      return {
        command: java(config),
        args: [...kafkaJvm(config), 'kafka.Kafka', join(paths.conf('kafka'), 'server.properties')],
      };
    },
    probe: () => probeKafka(config.KAFKA_BROKERS),
  };

  const cassandra: Engine = {
    ...managed(config, 'cassandra', paths.conf('cassandra')),
    port: config.CASSANDRA_PORT,
    readyDeadlineSeconds: 240,
    prepare() {
      requireInstalled(join(paths.lib('cassandra'), '.pom-sha'), 'Cassandra');
      const conf = paths.conf('cassandra');
      mkdirSync(conf, { recursive: true });
      const yaml = readFileSync(join(root, 'stack/cassandra/cassandra.yaml'), 'utf8')
        .replaceAll('${HOST}', host)
        .replaceAll('${NATIVE_PORT}', String(config.CASSANDRA_PORT))
        .replaceAll('${STORAGE_PORT}', String(config.CASSANDRA_STORAGE_PORT))
        .replaceAll('${DATA_DIR}', paths.data('cassandra'));
      writeFileSync(join(conf, 'cassandra.yaml'), yaml);
    },
    command() {
      const conf = paths.conf('cassandra');
      const jvmOptions = readFileSync(join(root, 'stack/cassandra/jvm17.options'), 'utf8')
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('#'))
        .flatMap((l) => (l.startsWith('--add-') ? l.split(/\s+/) : [l]));
      return {
        command: java(config),
        args: [
          `-Xms${config.CASSANDRA_HEAP}`,
          `-Xmx${config.CASSANDRA_HEAP}`,
          ...jvmOptions,
          `-Dcassandra.config=file://${join(conf, 'cassandra.yaml')}`,
          `-Dlogback.configurationFile=${join(root, 'stack/cassandra/logback.xml')}`,
          `-Dcassandra.logdir=${paths.logs}`,
          `-Dcassandra.storagedir=${paths.data('cassandra')}`,
          '-cp',
          `${paths.lib('cassandra')}/*`,
          'org.apache.cassandra.service.CassandraDaemon',
        ],
      };
    },
    probe: () => probeCassandra(config.CASSANDRA_CONTACT_POINTS, config.CASSANDRA_PORT, config.CASSANDRA_LOCAL_DC),
  };

  const redis: Engine = {
    // redis-server starts with its arguments (--dir <data>) as command line, then rewrites its process
    // title to "redis-server host:port" once initialised: either one is ours.
    ...managed(config, 'redis', [paths.data('redis'), `redis-server ${host}:${redisPort}`]),
    port: redisPort,
    readyDeadlineSeconds: 20,
    prepare() {
      mkdirSync(paths.data('redis'), { recursive: true });
    },
    command() {
      // Redis is a cache here: the views of record live in Cassandra, so no persistence is needed.
      return {
        command: 'redis-server',
        args: [
          '--bind',
          host,
          '--port',
          String(redisPort),
          '--dir',
          paths.data('redis'),
          '--save',
          '',
          '--appendonly',
          'no',
          '--daemonize',
          'no',
        ],
      };
    },
    probe: () => probeRedis(config.REDIS_URL),
  };

  const zipkinJar = join(paths.lib('zipkin'), `zipkin-server-${zipkinVersion()}-exec.jar`);
  const zipkin: Engine = {
    ...managed(config, 'zipkin', zipkinJar),
    port: config.ZIPKIN_PORT,
    readyDeadlineSeconds: 90,
    prepare() {
      requireInstalled(zipkinJar, 'Zipkin');
    },
    command() {
      return {
        command: java(config),
        args: [
          '-Xms64m',
          '-Xmx320m',
          '-XX:+UseSerialGC',
          '-jar',
          zipkinJar,
          `--armeria.ports[0].ip=${host}`,
          `--armeria.ports[0].port=${config.ZIPKIN_PORT}`,
        ],
        // Spans are kept in memory, the newest 100,000 (about 200 MB of heap at most): a viewer for
        // what just happened, not an archive. Its own logs at WARN.
        env: { STORAGE_TYPE: 'mem', MEM_MAX_SPANS: '100000', LOGGING_LEVEL_ROOT: 'WARN' },
      };
    },
    probe: () => probeHttp(`http://${host}:${config.ZIPKIN_PORT}/health`),
  };

  const postgresData = paths.data('postgres');
  const postgres: Engine = {
    ...managed(config, 'postgres', postgresData),
    // Fast shutdown: on SIGTERM PostgreSQL waits until every client has disconnected.
    stopSignal: 'SIGINT',
    port: Number(new URL(config.ANALYTICS_DATABASE_URL).port || 5432),
    readyDeadlineSeconds: 30,
    prepare() {
      const bin = postgresBin(config);
      if (existsSync(join(postgresData, 'PG_VERSION'))) return;
      mkdirSync(postgresData, { recursive: true });
      asServerUser(postgresData);
      // Local use only: the server listens on loopback and trusts the user named in the URL.
      const initdb = spawnSync(
        ...serverUserCommand(join(bin, 'initdb'), [
          '-D',
          postgresData,
          '-U',
          decodeURIComponent(new URL(config.ANALYTICS_DATABASE_URL).username || 'postgres'),
          '--auth=trust',
          '--encoding=UTF8',
          '--no-locale',
        ]),
        { encoding: 'utf8' },
      );
      if (initdb.status !== 0) throw new Error(`initdb failed: ${initdb.stderr || initdb.stdout}`);
    },
    command() {
      const [command, args] = serverUserCommand(join(postgresBin(config), 'postgres'), [
        '-D',
        postgresData,
        '-h',
        host,
        '-p',
        String(this.port),
        // TCP only: a socket file in the data folder could exceed the path length a socket allows.
        '-c',
        'unix_socket_directories=',
        // Analytics are rebuilt from Kafka if the machine crashes; a commit need not wait for the disk.
        '-c',
        'synchronous_commit=off',
        '-c',
        'shared_buffers=128MB',
      ]);
      return { command, args };
    },
    probe: () => probePostgres(config.ANALYTICS_DATABASE_URL),
  };

  const temporal = stackProfile(config) === 'production' ? temporalServerEngines(config) : [devServer];
  return [...temporal, kafka, cassandra, redis, zipkin, postgres];
}

/** Debian's PostgreSQL server binaries, as `npm run setup` recorded them. */
function postgresBin(config: Config): string {
  const file = join(stackPaths(config).dir, 'postgres.json');
  if (!existsSync(file)) throw new Error('no PostgreSQL recorded: run `npm run setup` first');
  return (JSON.parse(readFileSync(file, 'utf8')) as { bin: string }).bin;
}

/**
 * PostgreSQL refuses to run as root, and CI runs as root: then the server runs as the `postgres` user
 * Debian's package created (setpriv execs, so the pid the stack records is the server's own).
 */
const asRoot = process.getuid?.() === 0;
function serverUserCommand(command: string, args: string[]): [string, string[]] {
  return asRoot
    ? ['setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', '--', command, ...args]]
    : [command, args];
}
function asServerUser(dir: string): void {
  if (!asRoot) return;
  const chown = spawnSync('chown', ['-R', 'postgres:postgres', dir], { encoding: 'utf8' });
  if (chown.status !== 0) throw new Error(`cannot hand ${dir} to the postgres user: ${chown.stderr}`);
}

/** The Zipkin version stack/maven/zipkin/pom.xml resolves, which names its jar. */
function zipkinVersion(): string {
  const pom = readFileSync(join(root, 'stack/maven/zipkin/pom.xml'), 'utf8');
  const version = /<zipkin\.version>([^<]+)<\/zipkin\.version>/.exec(pom)?.[1];
  if (version === undefined) throw new Error('stack/maven/zipkin/pom.xml names no zipkin.version');
  return version;
}

/** JVM flags and classpath of a Kafka tool or broker. */
export function kafkaJvm(config: Config): string[] {
  const paths = stackPaths(config);
  return [
    `-Xms${config.KAFKA_HEAP}`,
    `-Xmx${config.KAFKA_HEAP}`,
    '-XX:+UseG1GC',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${join(root, 'stack/kafka/log4j2.xml')}`,
    `-Dkafka.logs.dir=${paths.logs}`,
    '-cp',
    `${paths.lib('kafka')}/*`,
  ];
}

/**
 * A KRaft cluster id: 16 random bytes in base64url. One that starts with '-' reads as an option to the
 * storage tool ("argument --cluster-id: expected one argument"; a cold start failed so, about one in
 * 64), so such ids are drawn again, as Kafka's own Uuid.randomUuid does.
 */
export function newClusterId(random: () => Buffer = () => randomBytes(16)): string {
  for (;;) {
    const id = random().toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** KRaft needs its log folder formatted once with a cluster id before the first start. */
function formatKafkaStorage(config: Config): void {
  const paths = stackPaths(config);
  if (existsSync(join(paths.data('kafka'), 'meta.properties'))) return;
  const clusterId = newClusterId();
  const result = spawnSync(
    java(config),
    [
      ...kafkaJvm(config),
      'kafka.tools.StorageTool',
      'format',
      '-t',
      clusterId,
      '-c',
      join(paths.conf('kafka'), 'server.properties'),
      '--ignore-formatted',
    ],
    { encoding: 'utf8', timeout: 120_000 },
  );
  if (result.status !== 0) throw new Error(`kafka: formatting its storage failed:\n${result.stdout}${result.stderr}`);
}
