import { logLevel } from 'kafkajs';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { kafkaLogCreator } from '../../adapters/kafka/log-creator.js';

describe('kafkaLogCreator', () => {
  it("writes kafkajs's lines as the process's own pino records, at their level, with kafkajs's fields", () => {
    const lines: string[] = [];
    const logger = pino({ base: { service: 'dashboard-worker' } }, { write: (line: string) => lines.push(line) });
    const log = kafkaLogCreator(logger)(logLevel.WARN);
    log({
      namespace: 'Connection',
      level: logLevel.ERROR,
      label: 'ERROR',
      log: {
        message: 'Connection error: connect ECONNREFUSED',
        timestamp: '2026-12-07T12:32:02.715Z',
        broker: 'b:9092',
      },
    });
    log({ namespace: 'Producer', level: logLevel.WARN, label: 'WARN', log: { message: 'retrying', timestamp: 't' } });

    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records).toEqual([
      expect.objectContaining({
        level: 50,
        service: 'dashboard-worker',
        kafka: 'Connection',
        broker: 'b:9092',
        msg: 'Connection error: connect ECONNREFUSED',
      }),
      expect.objectContaining({ level: 40, kafka: 'Producer', msg: 'retrying' }),
    ]);
    // pino's own time, not a second timestamp in kafkajs's format.
    expect(records[0]).not.toHaveProperty('timestamp');
  });
});
