import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { supervise, type ProcessSpec } from '../../stack/supervisor.js';

/** The supervisor behind `npm start`, with trivial node scripts as children. */
const script = (name: string, source: string): ProcessSpec => ({
  name,
  command: process.execPath,
  args: ['-e', source],
});

// Says hello, then runs until SIGTERM, which it answers with a goodbye and exit code 0.
const longRunning = `
console.log('hello from ' + process.pid);
console.error('a warning');
process.on('SIGTERM', () => { console.log('goodbye'); process.exit(0); });
setInterval(() => {}, 1000);`;

describe('supervise', () => {
  it('prefixes every line with the process name, and restarts a process that exits on its own with backoff while the rest keep running', async () => {
    const lines: string[] = [];
    const supervisor = supervise(
      [
        script('server', longRunning),
        script('crasher', `console.log('starting'); setTimeout(() => process.exit(3), 100);`),
      ],
      {
        write: (line) => lines.push(line),
        restart: { initialDelayMs: 100, maxDelayMs: 400, resetAfterMs: 60_000 },
      },
    );
    try {
      await expect.poll(() => supervisor.restarts()['crasher'], { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
      expect(supervisor.restarts()['server']).toBe(0);
      expect(lines.filter((l) => l === 'crasher | starting').length).toBeGreaterThanOrEqual(3);
      // The delay doubles up to its bound.
      expect(lines).toContain('crasher | exited with code 3; restarting in 0.1 s (restart 1)');
      expect(lines).toContain('crasher | exited with code 3; restarting in 0.2 s (restart 2)');
      expect(lines).toContain('crasher | exited with code 3; restarting in 0.4 s (restart 3)');
    } finally {
      const exits = await supervisor.stop(5_000);
      expect(exits).toContainEqual({ name: 'server', code: 0, signal: null });
    }
    expect(lines).toContain('server  | a warning');
    expect(lines).toContain('server  | goodbye');
    expect(lines.some((l) => /^server {2}\| hello from \d+$/.test(l))).toBe(true);
    // Nothing is restarted once stopped.
    const restarts = supervisor.restarts()['crasher'];
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(supervisor.restarts()['crasher']).toBe(restarts);
  });

  it('kills a process that ignores SIGTERM after the grace period, and waits for health checks', async () => {
    const health = createServer((_req, res) => res.writeHead(200).end('ok'));
    await new Promise<void>((resolve) => health.listen(0, '127.0.0.1', resolve));
    try {
      const healthUrl = `http://127.0.0.1:${(health.address() as AddressInfo).port}/healthz`;
      const stubborn = script(
        'stubborn',
        `process.on('SIGTERM', () => console.log('ignoring SIGTERM')); console.log('up'); setInterval(() => {}, 1000);`,
      );
      const lines: string[] = [];
      const supervisor = supervise([{ ...stubborn, healthUrl }], { write: (line) => lines.push(line) });
      await supervisor.waitHealthy(10_000);
      await expect.poll(() => lines).toContain('stubborn | up');
      const started = Date.now();
      const [exit] = await supervisor.stop(500);
      expect(exit).toEqual({ name: 'stubborn', code: null, signal: 'SIGKILL' });
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      health.close();
    }
  });

  it('names a process that never gets ready, with how often it was restarted', async () => {
    const supervisor = supervise(
      [{ ...script('quitter', 'process.exit(1)'), healthUrl: 'http://127.0.0.1:9/healthz' }],
      {
        write: () => {},
        restart: { initialDelayMs: 100, maxDelayMs: 100, resetAfterMs: 60_000 },
      },
    );
    try {
      await expect(supervisor.waitHealthy(2_000)).rejects.toThrow(
        /not ready within 2 s: quitter \(http:\/\/127\.0\.0\.1:9\/healthz\), restarted \d+ times/,
      );
    } finally {
      await supervisor.stop(1_000);
    }
  });
});
