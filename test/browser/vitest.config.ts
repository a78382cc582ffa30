import path from 'node:path';
import { defineConfig } from 'vitest/config';

// `npm run test:browser`: Chromium (Debian's, never downloaded) against the emulator and the
// example dashboard. Kept out of `npm test`, whose glob is test/**/*.test.ts.
export default defineConfig({
  root: path.resolve(import.meta.dirname, '../..'),
  test: {
    include: ['test/browser/**/*.browser.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 1,
  },
});
