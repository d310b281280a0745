import { defineConfig } from 'vitest/config';

// Runs worker-process.run.ts alone, as a separate OS process that a test can SIGKILL: Vitest's transform gives
// the worker the decorator metadata Nest needs, without a build. Not part of the suite (own include).
export default defineConfig({
  resolve: { tsconfigPaths: true },
  test: {
    include: ['test/integration/worker/worker-process.run.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
});
