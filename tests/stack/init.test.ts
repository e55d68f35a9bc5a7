import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { BootstrapStep } from '../../stack/bootstrap.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** stack/init.ts as a deployment's init service runs it (there compiled, here through tsx). */
async function init(step: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'stack/init.ts', step], {
      cwd: repoRoot,
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe('init steps of a deployment (stack/init.ts)', () => {
  it('each runs on its own against the real engines and finds its schema in place the second time', async () => {
    // The local stack ran every step when it came up: each init service run afterwards changes nothing.
    const expected: Record<BootstrapStep, RegExp> = {
      cassandra: /^cassandra: schema current \(\d+ migrations\)$/,
      kafka: /^kafka: \d+ topics present$/,
      temporal: /^temporal: namespace \S+ and \d+ search attributes present$/,
      analytics: /^analytics: schema current$/,
    };
    for (const [step, pattern] of Object.entries(expected)) {
      const run = await init(step);
      expect({ step, code: run.code, stderr: run.stderr }).toEqual({ step, code: 0, stderr: '' });
      expect(run.stdout.trim()).toMatch(pattern);
    }
  });

  it('refuses a step it does not know, naming the ones it does', async () => {
    const run = await init('elasticsearch');
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe('usage: init temporal-schema|cassandra|kafka|temporal|analytics');
  });
});
