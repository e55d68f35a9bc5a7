import { Kafka, logLevel, type logCreator } from 'kafkajs';
import type { Config } from '../../config/index.js';

/**
 * A platform process's Kafka client: a broker that does not take a connection within 3 s or answer a
 * request within 10 s counts as away (callers retry or drop by their own rules), and only warnings
 * and errors are logged, through the process's logger when it gives one.
 */
export function createKafkaClient(
  config: Pick<Config, 'KAFKA_CLIENT_ID' | 'KAFKA_BROKERS'>,
  options: { role?: string; logCreator?: logCreator } = {},
): Kafka {
  return new Kafka({
    clientId: options.role ? `${config.KAFKA_CLIENT_ID}-${options.role}` : config.KAFKA_CLIENT_ID,
    brokers: config.KAFKA_BROKERS,
    connectionTimeout: 3_000,
    requestTimeout: 10_000,
    logLevel: logLevel.WARN,
    ...(options.logCreator ? { logCreator: options.logCreator } : {}),
  });
}
