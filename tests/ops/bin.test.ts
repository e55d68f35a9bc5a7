import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

describe('the dashboard-ops bin', () => {
  // npm starts a package's bin through a symlink; a process that compared paths naively did nothing.
  it('runs through npx as through npm run ops', async () => {
    const { stdout } = await promisify(execFile)('npx', ['--no-install', 'dashboard-ops', '--help'], {
      timeout: 60_000,
    });
    expect(stdout).toContain('Usage: ops <command> [options]');
    expect(stdout).toContain('rebuild-all');
  }, 70_000);
});
