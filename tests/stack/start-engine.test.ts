import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../stack/engine.js';
import { stopProcess } from '../../stack/processes.js';
import { EngineFailedError, startEngine } from '../../stack/stack.js';

/** Engines made of plain shell processes: how `up` waits for a process it started, without a real engine. */
const dir = mkdtempSync(join(tmpdir(), 'start-engine-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function engine(name: string, script: string, probe: () => Promise<void>): Engine {
  const marker = join(dir, name);
  return {
    name,
    marker,
    pidFile: join(dir, `${name}.pid`),
    logFile: join(dir, `${name}.log`),
    port: 0,
    readyDeadlineSeconds: 10,
    prepare() {},
    // The marker is the shell's $0, so it names the process only until the script execs.
    command: () => ({ command: 'sh', args: ['-c', script, marker] }),
    probe,
  };
}
const notYet = () => Promise.reject(new Error('not answering yet'));

describe('startEngine', () => {
  it('names an engine whose process exits before it answers, with its log', async () => {
    const dying = engine('dying', 'echo cannot bind; exit 3', notYet);
    const failure = await startEngine(dying).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(EngineFailedError);
    expect((failure as Error).message).toMatch(/dying exited during start-up[\s\S]*cannot bind/);
  });

  it('waits for a process whose command line changes as it execs (setpriv into PostgreSQL), until it answers', async () => {
    // It answers only after the exec, when its command line no longer names it: starting must still succeed.
    const since = Date.now();
    const execing = engine('execing', 'exec sleep 30', () =>
      Date.now() - since > 2_500 ? Promise.resolve() : notYet(),
    );
    try {
      await expect(startEngine(execing)).resolves.toBeUndefined();
    } finally {
      // Found by its pid file and marker no more (its command line is `sleep 30`): stopped by pid.
      await stopProcess({ ...execing, marker: 'sleep' });
    }
  });
});
