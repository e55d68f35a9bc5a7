import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { createRedisClient } from '../adapters/redis/client.js';

/**
 * A Redis server of its own (the same Debian redis-server the stack runs) on a free port, so a test or
 * the chaos run can freeze or kill it without touching the Redis everything else shares.
 */
export interface PrivateRedis {
  readonly url: string;
  /** SIGSTOP: connections stay open, commands go unanswered, as with a hung or partitioned server. */
  freeze(): void;
  resume(): void;
  /** SIGKILL: everything it held is gone, as after a crash of a server without persistence. */
  kill(): Promise<void>;
  /** Starts it again, empty, on the same port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const launch = async (): Promise<ChildProcess> => {
    const started = spawn(
      'redis-server',
      ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    const probe = createRedisClient(url);
    probe.on('error', () => undefined); // refused until the server listens
    try {
      for (let tries = 0; ; tries++) {
        try {
          await probe.ping();
          return started;
        } catch (error) {
          if (tries > 50) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    } finally {
      probe.disconnect();
    }
  };
  let child = await launch();
  const kill = async () => {
    child.kill('SIGCONT');
    child.kill('SIGKILL');
    if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
  };
  return {
    url,
    freeze: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
    kill,
    async restart() {
      child = await launch();
    },
    stop: kill,
  };
}
