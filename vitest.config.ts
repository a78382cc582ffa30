import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // The emulator and its SQLite files are real: two cores, so keep workers modest.
    pool: 'forks',
    maxWorkers: 2,
  },
});
