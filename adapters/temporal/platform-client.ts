import { Client, Connection } from '@temporalio/client';
import type { Config } from '../../config/index.js';
import { createCassandraClient } from '../cassandra/client.js';
import { createUserKeyStore, userKeyCacheOptions } from '../cassandra/user-key-store.js';
import { platformDataConverter } from './user-payload-codec.js';

/**
 * A Temporal client for tools beside the platform (ops, bench, chaos): it opens users' sealed payloads
 * with keys read through a Cassandra connection of its own, connected on first use.
 */
export async function connectPlatformClient(config: Config): Promise<{ client: Client; close(): Promise<void> }> {
  const cassandra = createCassandraClient(config);
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS, connectTimeout: 5_000 });
  const client = new Client({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    dataConverter: platformDataConverter(createUserKeyStore(cassandra, userKeyCacheOptions(config))),
  });
  return {
    client,
    async close() {
      await connection.close();
      await cassandra.shutdown();
    },
  };
}
