import { defineConfig } from 'vitest/config';

// The cluster tier's own configuration: its files end in .tier.ts, so `npm test`
// (tests/**/*.test.ts) never starts the topology.
export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['tests/cluster/**/*.tier.ts'],
    pool: 'forks',
    maxWorkers: 1,
    // One round of 20 inspections through seven stages, with a fault, on two shared cores.
    testTimeout: 600_000,
    hookTimeout: 900_000,
  },
});
