import cassandra from 'cassandra-driver';
import type { Config } from '../../config/index.js';

/** A driver client bound to the platform keyspace, with explicit timeouts on every request. */
export function createCassandraClient(config: Config): cassandra.Client {
  return new cassandra.Client({
    contactPoints: config.CASSANDRA_CONTACT_POINTS,
    localDataCenter: config.CASSANDRA_LOCAL_DC,
    protocolOptions: { port: config.CASSANDRA_PORT },
    keyspace: config.CASSANDRA_KEYSPACE,
    socketOptions: { connectTimeout: 5_000, readTimeout: 5_000 },
    queryOptions: { prepare: true, consistency: cassandra.types.consistencies.localQuorum, serialConsistency: cassandra.types.consistencies.localSerial },
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
