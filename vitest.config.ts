import { defineConfig } from 'vitest/config';

// Two projects: `unit` runs the pure specs next to the code in libs/ (no database); `integration` boots the
// apps against real PostgreSQL and Redis with one fresh, migrated database per run (test/support/global-setup.ts).
// `npm test` runs both.
export default defineConfig({
  // The @rtpm/* aliases come from tsconfig.json `paths`, so there is one list to maintain.
  resolve: { tsconfigPaths: true },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['libs/**/*.spec.ts', 'apps/**/*.spec.ts'],
          environment: 'node',
          // Projects with different worker limits run as ordered groups: the fast unit specs first.
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.spec.ts', 'test/**/*.e2e-spec.ts'],
          environment: 'node',
          globalSetup: ['test/support/global-setup.ts'],
          sequence: { groupOrder: 1 },
          // Each file boots its own API (its own pg pool) on a 2-core machine: two files at a time keeps the
          // CPU busy without starving PostgreSQL or tripping its connection limit.
          maxWorkers: 2,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
