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
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--smoke', '--out', out], { timeout: 240_000, maxBuffer: 64 * 1024 * 1024 });

    expect(stdout).toMatch(/^## Benchmark \(smoke, 500 seeded users/m);
    for (const heading of ['1. Cache hit', '2. Cache miss', '3. Freshness', '4. Throughput', '5. Memory and connections']) expect(stdout).toContain(heading);
    const result = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
    expect(result).toMatchObject({ mode: 'smoke', seedUsers: 500, machine: { cores: expect.any(Number) } });
    const hit = result['cacheHit'] as { atRate: { api: { latencyMs: { count: number } } }[]; highest: { ratio: number } };
    expect(hit.atRate[0]?.api.latencyMs.count).toBeGreaterThan(0);
    expect(hit.highest.ratio).toBeGreaterThan(0);
    expect((result['cacheMiss'] as { sources: Record<string, number> }).sources).toHaveProperty(['200 rebuild']);
    expect((result['freshness'] as { received: number }[])[0]?.received).toBeGreaterThan(0);
    expect((result['capacity'] as { sseStreamsOpened: number }).sseStreamsOpened).toBe(50);
  }, 300_000);
});
