import { defineConfig } from 'vitest/config';

// The browser tests (`npm run test:web`): one real system started as `npm start` starts
// it, one chromium, the story's steps in order, so one file at a time.
export default defineConfig({
  test: {
    include: ['tests/web/**/*.web.ts'],
    pool: 'forks',
    fileParallelism: false,
    // Generous: the machine running them is often shared and slow; no assertion is timed.
    testTimeout: 300_000,
    hookTimeout: 600_000,
  },
});
