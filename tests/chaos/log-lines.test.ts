import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { worthShowing } from '../../chaos/log-lines.js';

/** What one pino logger writes for a record, as the process would print it. */
function written(log: (logger: pino.Logger) => void): string {
  let line = '';
  log(pino({ base: { service: 'dashboard-bridge' } }, { write: (chunk: string) => void (line = chunk.trim()) }));
  return `bridge-1 | ${line}`;
}

describe('the lines a chaos run shows', () => {
  it('shows a fatal record whose words name no error, as the watchdog writes when it stops a process', () => {
    const line = written((logger) =>
      logger.fatal({ reason: 'out of the group for 90 s' }, 'consumer stuck out of its group; stopping'),
    );
    expect(worthShowing(line)).toBe(true);
  });

  it('shows error records and the supervisor’s restarts, and leaves warnings and information out', () => {
    expect(worthShowing(written((logger) => logger.error('Connection timeout')))).toBe(true);
    expect(worthShowing('worker-2 | exited with code 1; restarting in 1.0 s (restart 1)')).toBe(true);
    expect(worthShowing(written((logger) => logger.warn({ partition: 3 }, 'rebalancing')))).toBe(false);
    expect(worthShowing(written((logger) => logger.info('bridge running')))).toBe(false);
  });
});
