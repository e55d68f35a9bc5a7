import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import proto from '@temporalio/proto';
import cassandra from 'cassandra-driver';
import { Kafka, logLevel } from 'kafkajs';
import { z } from 'zod';
import type { Config } from '../config/index.js';
import { topicSpecs } from '../config/topics.js';
import { migrate } from '../adapters/cassandra/migrate.js';
import { createPostgresPool } from '../adapters/postgres/client.js';
import { migrateAnalytics } from '../adapters/postgres/migrate.js';
import namespaceFile from '../temporal-config/namespace.json' with { type: 'json' };

/** Idempotent schema bootstrap of the running engines: run on every `up`, a no-op when nothing changed. */

const namespaceSpec = z.object({
  retentionDays: z.number().int().min(1),
  searchAttributes: z.record(
    z.string(),
    z.enum(['Keyword', 'Text', 'Int', 'Double', 'Bool', 'Datetime', 'KeywordList']),
  ),
});

export async function bootstrapCassandra(config: Config): Promise<string> {
  const client = new cassandra.Client({
    contactPoints: config.CASSANDRA_CONTACT_POINTS,
    localDataCenter: config.CASSANDRA_LOCAL_DC,
    protocolOptions: { port: config.CASSANDRA_PORT },
    socketOptions: { connectTimeout: 5_000, readTimeout: 30_000 },
  });
  try {
    await client.connect();
    const result = await migrate(client, config.CASSANDRA_KEYSPACE, config.CASSANDRA_REPLICATION_FACTOR);
    return result.applied.length
      ? `applied ${result.applied.join(', ')}`
      : `schema current (${result.alreadyApplied.length} migrations)`;
  } finally {
    await client.shutdown();
  }
}

/** The analytics database (created when missing) and its tables. */
/**
 * Creates a database on the PostgreSQL server of `serverUrl` unless it exists: CREATE DATABASE has no
 * IF NOT EXISTS. Used for the analytics database and for the production profile's Temporal visibility.
 */
export async function ensureDatabase(serverUrl: string, database: string): Promise<void> {
  const maintenance = new URL(serverUrl);
  maintenance.pathname = '/postgres';
  const admin = createPostgresPool({ url: maintenance.toString(), schema: 'public', max: 1 });
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    // CREATE DATABASE takes no parameters; the name is quoted as an identifier.
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${database.replaceAll('"', '""')}"`);
  } finally {
    await admin.end();
  }
}

export async function bootstrapAnalytics(config: Config): Promise<string> {
  const url = new URL(config.ANALYTICS_DATABASE_URL);
  await ensureDatabase(url.toString(), decodeURIComponent(url.pathname.slice(1)));
  const pool = createPostgresPool({ url: url.toString(), schema: config.ANALYTICS_SCHEMA, max: 1 });
  try {
    const applied = await migrateAnalytics(pool, config.ANALYTICS_SCHEMA);
    return applied.length ? `applied ${applied.join(', ')}` : 'schema current';
  } finally {
    await pool.end();
  }
}

export async function bootstrapKafka(config: Config): Promise<string> {
  const kafka = new Kafka({
    clientId: config.KAFKA_CLIENT_ID,
    brokers: config.KAFKA_BROKERS,
    connectionTimeout: 5_000,
    requestTimeout: 30_000,
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    const missing = topicSpecs.filter((t) => !existing.has(t.name));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((t) => ({
          topic: t.name,
          numPartitions: t.partitions,
          replicationFactor: 1,
          configEntries: [{ name: 'retention.ms', value: String(t.retentionMs) }],
        })),
      });
    }
    return missing.length ? `created ${missing.map((t) => t.name).join(', ')}` : `${topicSpecs.length} topics present`;
  } finally {
    await admin.disconnect();
  }
}

const IndexedValueType = proto.temporal.api.enums.v1.IndexedValueType;
const typeOf = (type: string) =>
  IndexedValueType[
    `INDEXED_VALUE_TYPE_${type.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase()}` as keyof typeof IndexedValueType
  ];

/** The platform's search attributes (temporal-config/namespace.json) with the types Temporal's API takes. */
export function platformSearchAttributes(): Record<string, proto.temporal.api.enums.v1.IndexedValueType> {
  const spec = namespaceSpec.parse(namespaceFile);
  return Object.fromEntries(Object.entries(spec.searchAttributes).map(([name, type]) => [name, typeOf(type)]));
}

export async function bootstrapTemporal(config: Config): Promise<string> {
  const spec = namespaceSpec.parse(namespaceFile);
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS, connectTimeout: 5_000 });
  const namespace = config.TEMPORAL_NAMESPACE;
  const done: string[] = [];
  try {
    const deadline = () => Date.now() + 15_000;
    try {
      await connection.withDeadline(deadline(), () =>
        connection.workflowService.registerNamespace({
          namespace,
          workflowExecutionRetentionPeriod: msToTs(`${spec.retentionDays} days`),
        }),
      );
      done.push(`registered namespace ${namespace}`);
    } catch (error) {
      if (!isGrpc(error, GRPC_ALREADY_EXISTS)) throw error;
    }
    const listed = await connection.withDeadline(deadline(), () =>
      connection.operatorService.listSearchAttributes({ namespace }),
    );
    const present = listed.customAttributes ?? {};
    const wanted = Object.entries(platformSearchAttributes());
    // An attribute whose type changed (UserId became a keyword list so a batch can name every user it
    // built) is removed and added again: visibility indexes it anew from then on.
    const changed = wanted.filter(([name, type]) => name in present && present[name] !== type);
    if (changed.length > 0) {
      await connection.withDeadline(deadline(), () =>
        connection.operatorService.removeSearchAttributes({
          namespace,
          searchAttributes: changed.map(([name]) => name),
        }),
      );
      done.push(`search attributes ${changed.map(([n]) => n).join(', ')} changed type`);
    }
    const missing = wanted.filter(([name]) => !(name in present) || changed.some(([c]) => c === name));
    if (missing.length > 0) {
      await connection.withDeadline(deadline(), () =>
        connection.operatorService.addSearchAttributes({ namespace, searchAttributes: Object.fromEntries(missing) }),
      );
      done.push(`search attributes ${missing.map(([n]) => n).join(', ')}`);
    }
    return done.length
      ? done.join('; ')
      : `namespace ${namespace} and ${Object.keys(present).length} search attributes present`;
  } finally {
    await connection.close();
  }
}

/**
 * The schema steps in the order they run: `npm run stack:up` runs them all once the engines answer, and
 * a deployment's one-shot init services run one each (stack/init.ts), so production starts from the
 * code every local start exercises.
 */
export const bootstrapSteps = {
  cassandra: bootstrapCassandra,
  kafka: bootstrapKafka,
  temporal: bootstrapTemporal,
  analytics: bootstrapAnalytics,
} satisfies Record<string, (config: Config) => Promise<string>>;

export type BootstrapStep = keyof typeof bootstrapSteps;

/** gRPC status code of "namespace already registered": re-running the bootstrap is fine. */
const GRPC_ALREADY_EXISTS = 6;

function isGrpc(error: unknown, code: number): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && (error as { code: unknown }).code === code;
}
