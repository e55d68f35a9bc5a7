import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, serveApp, startApiHarness, type ApiHarness } from './support.js';

/**
 * Schemathesis (installed by `npm run setup` under .stack/venv) against the API on the real stack:
 * requests generated from /openapi.json, valid and invalid, with a fixed seed. Every check it has:
 * no 5xx, every response as documented (status, headers, body schema), schema-valid requests
 * accepted, invalid ones refused with a 4xx, undeclared methods 405.
 */
const stackDir = fileURLToPath(new URL('../../.stack/', import.meta.url));
const st = `${stackDir}venv/bin/st`;
const config = fileURLToPath(new URL('./schemathesis.toml', import.meta.url));
const MIN_CASES = 1_000;

let harness: ApiHarness;
beforeAll(async () => {
  harness = await startApiHarness();
});
afterAll(async () => {
  await harness?.stop();
});

function runSchemathesis(args: string[], timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    // Run in .stack/, where its caches and reports may go (git-ignored).
    const child = spawn(st, args, {
      cwd: stackDir,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('the API under a fuzzer', () => {
  it(
    `answers at least ${MIN_CASES} generated requests as its OpenAPI document says, never with a 5xx`,
    { timeout: 300_000 },
    async () => {
      // Limits a fuzzer would only trip over: the rate limit (429 for most cases) and hour-long streams.
      const served = await serveApp(harness.app({ RATE_LIMIT_PER_MINUTE: 1_000_000, SSE_MAX_AGE_SECONDS: 1 }));
      try {
        const admin = bearer(await harness.token('fuzz-admin', { admin: true }));
        const { code, output } = await runSchemathesis(
          [
            '--config-file',
            config,
            '--no-color',
            'run',
            `${served.baseUrl}/openapi.json`,
            '--header',
            `Authorization: ${admin.Authorization}`,
            '--checks',
            'all',
            '--seed',
            '42',
            '--generation-deterministic',
            '--max-examples',
            '30',
            // One worker: with two, Hypothesis's process-wide caches raced between Schemathesis's
            // threads now and then (a FlakyFailure from its lambda-source cache, before any request).
            '--workers',
            '1',
            '--request-timeout',
            '15',
          ],
          280_000,
        );
        const cases = Number(/(\d+) generated/.exec(output)?.[1] ?? 0);
        expect(code, output).toBe(0);
        expect(cases, output).toBeGreaterThanOrEqual(MIN_CASES);
      } finally {
        await served.close();
      }
    },
  );
});
