import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // The emulator and its SQLite files are real: two cores, so keep workers modest.
    pool: 'forks',
    maxWorkers: 2,
    // Type tests (`*.test-d.ts`: the public API's types, test/package/public-api.test-d.ts)
    // run with the others: vitest hands them to tsc with the project's tsconfig.
    typecheck: {
      enabled: true,
      include: ['test/**/*.test-d.ts'],
      tsconfig: './tsconfig.json',
    },
  },
});
