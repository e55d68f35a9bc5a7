import { Connection } from '@temporalio/client';
import cassandra from 'cassandra-driver';
import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import type { Config } from '../config/index.js';

/**
 * Readiness as a user of each engine sees it: a real client asks a real question and gets an answer,
 * within a deadline. An open port alone is not "ready" (Cassandra opens 9042 well before CQL answers).
 */

const timeoutMs = 5_000;

export async function probeRedis(url: string): Promise<void> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  redis.on('error', () => {}); // the failure surfaces from connect()/ping(); don't print it twice
  try {
    await redis.connect();
    const pong = await redis.ping();
    if (pong !== 'PONG') throw new Error(`PING answered ${pong}`);
  } finally {
    redis.disconnect();
  }
}

export async function probeCassandra(contactPoints: string[], port: number, localDataCenter: string): Promise<void> {
  const client = new cassandra.Client({
    contactPoints,
    localDataCenter,
    protocolOptions: { port },
    socketOptions: { connectTimeout: timeoutMs, readTimeout: timeoutMs },
  });
  try {
    await client.connect();
    await client.execute('SELECT release_version FROM system.local');
  } finally {
    await client.shutdown();
  }
}

export async function probeKafka(brokers: string[]): Promise<void> {
  const kafka = new Kafka({
    brokers,
    connectionTimeout: timeoutMs,
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length === 0) throw new Error('metadata lists no broker');
  } finally {
    await admin.disconnect();
  }
}

export async function probeTemporal(address: string, namespace: string): Promise<void> {
  const connection = await Connection.connect({ address, connectTimeout: timeoutMs });
  try {
    await connection.withDeadline(Date.now() + timeoutMs, () =>
      connection.workflowService.describeNamespace({ namespace }),
    );
  } finally {
    await connection.close();
  }
}

/** An HTTP engine (the trace viewer): a 2xx from `url` within the deadline. */
export async function probeHttp(url: string): Promise<void> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
}

/**
 * PostgreSQL answers a query. Asked on the server's maintenance database: the analytics database
 * itself is created by the bootstrap that runs once the server is ready.
 */
export async function probePostgres(url: string): Promise<void> {
  const target = new URL(url);
  target.pathname = '/postgres';
  const client = new pg.Client({
    connectionString: target.toString(),
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
  });
  client.on('error', () => {}); // the failure surfaces from connect()/query()
  try {
    await client.connect();
    await client.query('SELECT 1');
  } finally {
    await client.end().catch(() => {});
  }
}

/** Every engine the platform uses, as a probe of its configured address: `ops status` asks these. */
export function engineProbes(
  config: Pick<
    Config,
    | 'TEMPORAL_ADDRESS'
    | 'TEMPORAL_NAMESPACE'
    | 'KAFKA_BROKERS'
    | 'CASSANDRA_CONTACT_POINTS'
    | 'CASSANDRA_PORT'
    | 'CASSANDRA_LOCAL_DC'
    | 'REDIS_URL'
    | 'TRACE_VIEWER_URL'
    | 'ANALYTICS_DATABASE_URL'
  >,
) {
  return [
    {
      name: 'temporal',
      where: config.TEMPORAL_ADDRESS,
      probe: () => probeTemporal(config.TEMPORAL_ADDRESS, config.TEMPORAL_NAMESPACE),
    },
    { name: 'kafka', where: config.KAFKA_BROKERS.join(','), probe: () => probeKafka(config.KAFKA_BROKERS) },
    {
      name: 'cassandra',
      where: `${config.CASSANDRA_CONTACT_POINTS.join(',')}:${config.CASSANDRA_PORT}`,
      probe: () => probeCassandra(config.CASSANDRA_CONTACT_POINTS, config.CASSANDRA_PORT, config.CASSANDRA_LOCAL_DC),
    },
    { name: 'redis', where: new URL(config.REDIS_URL).host, probe: () => probeRedis(config.REDIS_URL) },
    // Insights wait while the analytics store is away; dashboards never depend on it.
    {
      name: 'analytics store',
      where: new URL(config.ANALYTICS_DATABASE_URL).host,
      probe: () => probePostgres(config.ANALYTICS_DATABASE_URL),
      optional: true,
    },
    // Seeing traces is a convenience: the platform runs the same without it.
    {
      name: 'trace viewer',
      where: config.TRACE_VIEWER_URL,
      probe: () => probeHttp(config.TRACE_VIEWER_URL),
      optional: true,
    },
  ];
}
