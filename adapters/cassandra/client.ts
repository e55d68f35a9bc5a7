import cassandra from 'cassandra-driver';
import type { Config } from '../../config/index.js';

/**
 * Most time between two attempts to reconnect to a node that went away. The driver's default doubles
 * up to 10 minutes: after Cassandra was killed and restarted, builds waited up to half a minute for the
 * next attempt although it answered again (the chaos run's "Cassandra killed" converged in 40.7 s).
 */
const RECONNECT_AT_MOST_MS = 2_000;

/** A driver client bound to the platform keyspace, with explicit timeouts on every request. */
export function createCassandraClient(config: Config): cassandra.Client {
  return new cassandra.Client({
    contactPoints: config.CASSANDRA_CONTACT_POINTS,
    localDataCenter: config.CASSANDRA_LOCAL_DC,
    protocolOptions: { port: config.CASSANDRA_PORT },
    keyspace: config.CASSANDRA_KEYSPACE,
    socketOptions: { connectTimeout: 5_000, readTimeout: 5_000 },
    policies: {
      reconnection: new cassandra.policies.reconnection.ExponentialReconnectionPolicy(250, RECONNECT_AT_MOST_MS, true),
    },
    queryOptions: {
      prepare: true,
      consistency: cassandra.types.consistencies.localQuorum,
      serialConsistency: cassandra.types.consistencies.localSerial,
    },
  });
}

/** `true` when a lightweight transaction (IF ...) was applied. */
export function applied(result: cassandra.types.ResultSet): boolean {
  return result.first()?.['[applied]'] === true;
}

export function toNumber(value: unknown): number {
  if (value instanceof cassandra.types.Long) return value.toNumber();
  return Number(value);
}
