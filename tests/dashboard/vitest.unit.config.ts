// Runs the pure dashboard-core tests alone, without the engines the main config starts:
//   npx vitest run --config tests/dashboard/vitest.unit.config.ts --coverage
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import main from '../../vitest.config.js';

export default defineConfig({
  ...main,
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: { ...main.test, include: ['tests/dashboard/**/*.test.ts'], globalSetup: [], setupFiles: [] },
});
