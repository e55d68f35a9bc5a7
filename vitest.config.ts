import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // The engines are started once per run (and left up for speed); tests isolate themselves by unique ids.
    globalSetup: ['tests/setup/global-setup.ts'],
    setupFiles: ['tests/setup/quiet-temporal.ts'],
    pool: 'forks',
    // Erasures wait out every process's use of a copy of the user's key: 10 s and this, not two minutes.
    env: { USER_KEY_STALE_IF_ERROR_MS: '2000' },
    testTimeout: 60_000,
    hookTimeout: 180_000,
    coverage: {
      provider: 'v8',
      include: ['dashboard/**/*.ts'],
      exclude: ['dashboard/schemas/generate.ts'],
      reporter: ['text-summary', 'text'],
      thresholds: { 'dashboard/**': { lines: 95 } },
    },
  },
});
