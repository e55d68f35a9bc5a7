// Runs the pure dashboard-core tests alone, without the engines the main config starts:
//   npx vitest run --config tests/dashboard/vitest.unit.config.ts --coverage
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['tests/dashboard/**/*.test.ts'],
    coverage: {
      provider: 'v8',
      include: ['dashboard/**/*.ts'],
      exclude: ['dashboard/schemas/generate.ts'],
      reporter: ['text-summary', 'text'],
      thresholds: { 'dashboard/**': { lines: 95 } },
    },
  },
});
