import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// The benchmark itself is `npm run bench`; this only proves it runs end to end and its output
// parses. Its numbers are not checked here: timing belongs in the benchmark, not in tests.
describe('npm run bench', () => {
  it('runs the whole platform in smoke mode and writes a parseable report', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'bench-')), 'result.json');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'bench/run.ts', '--smoke', '--out', out],
      { timeout: 240_000, maxBuffer: 64 * 1024 * 1024 },
    );

    expect(stdout).toMatch(/^## Benchmark \(smoke, 500 seeded users/m);
    for (const heading of [
      '1. Cache hit',
      '2. Cache miss',
      '3. Freshness',
      '4. Throughput',
      '5. Operator rebuild-all',
      '6. Memory and connections',
    ])
      expect(stdout).toContain(heading);
    const result = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
    expect(result).toMatchObject({ mode: 'smoke', seedUsers: 500, machine: { cores: expect.any(Number) } });

    const hit = result['cacheHit'] as {
      atRate: { api: { latencyMs: { count: number } } }[];
      highest: { ratio: number };
    };
    expect(hit.atRate[0]?.api.latencyMs.count).toBeGreaterThan(0);
    expect(hit.highest.ratio).toBeGreaterThan(0);

    // Idle misses took the rebuild path; during the storm every miss was measured (whatever it answered), each
    // beside a floor sample, and the storm really wrote.
    const miss = result['cacheMiss'] as {
      idle: { sources: Record<string, number> };
      storm: { sources: Record<string, number>; floor: { count: number }; writes: { writes: number } };
    };
    expect(miss.idle.sources).toHaveProperty(['200 rebuild']);
    expect(Object.values(miss.storm.sources).reduce((a, b) => a + b, 0)).toBe(5);
    expect(miss.storm.floor.count).toBe(5);
    expect(miss.storm.writes.writes).toBeGreaterThan(0);

    // Every freshness run accounts for each write it made: seen and unseen add up to what was owed.
    const fresh = result['freshness'] as {
      writes: number;
      failedWrites: number;
      expected: number;
      seen: number;
      unseen: number;
    }[];
    expect(fresh.length).toBeGreaterThan(0);
    for (const f of fresh) {
      expect(f.expected).toBe(f.writes - f.failedWrites);
      expect(f.seen).toBeGreaterThan(0);
      expect(f.seen + f.unseen).toBe(f.expected);
    }

    // Both sides of the rebuild ratio rebuilt distinct users, and the history was counted from Temporal.
    const rebuilds = (
      result['throughput'] as { rebuilds: { floor: { rebuilt: number }; platform: { rebuilt: number }; ratio: number } }
    ).rebuilds;
    expect(rebuilds.floor.rebuilt).toBeGreaterThan(0);
    expect(rebuilds.platform.rebuilt).toBeGreaterThan(0);
    expect(rebuilds.ratio).toBeGreaterThan(0);
    const history = (result['throughput'] as { history: { workflows: number; events: number; rebuilds: number } })
      .history;
    expect(history.workflows).toBeGreaterThan(0);
    expect(history.events).toBeGreaterThan(0);
    expect(history.rebuilds).toBeGreaterThan(0);

    // How many misses fit into the bulk run depends on its speed, so only their shape is checked.
    const all = result['rebuildAll'] as {
      users: number;
      succeeded: number;
      missesDuring: { latencyMs: unknown };
      history: unknown;
    };
    expect(all.users).toBe(100);
    expect(all.succeeded).toBeGreaterThan(0);
    expect(all.missesDuring.latencyMs).toMatchObject({ count: expect.any(Number) });
    expect(all.history).toMatchObject({ workflows: expect.any(Number), events: expect.any(Number) });

    expect(result['rssPeakMiB']).toHaveProperty('worker');
    // Every stream heard its user's update, and none was left open after the clients left.
    expect(result['capacity']).toMatchObject({ sseStreamsOpened: 50, sseStreamsUpdated: 50, streamsLeftOpen: 0 });
  }, 300_000);
});
