import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './tests/support/browser.js';

const apiPort = process.env['WEB_TEST_API_PORT'] ?? '8180';

/**
 * The web client's end-to-end tests: Playwright's runner driving Debian's Chromium against the whole
 * platform, which `tests/web/platform.ts` runs as Playwright's web server (engines, domain services,
 * worker, bridge, API serving the built app). `npm test` runs them after vitest, on the engines vitest
 * left up. One worker: the tests share one platform and each uses users of its own.
 */
export default defineConfig({
  testDir: 'tests/web',
  testMatch: '*.spec.ts',
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  forbidOnly: true,
  reporter: [['list']],
  outputDir: '.stack/playwright',
  use: {
    baseURL: `http://127.0.0.1:${apiPort}`,
    launchOptions: chromiumLaunchOptions,
    trace: 'retain-on-failure',
  },
  webServer: {
    command: 'node --import tsx tests/web/platform.ts',
    url: `http://127.0.0.1:${apiPort}/healthz`,
    env: { WEB_TEST_API_PORT: apiPort },
    // A cold machine starts four engines first.
    timeout: 300_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 20_000 },
  },
});
