import { defineConfig } from 'vitest/config';

/**
 * The fault suite (`npm run test:faults`): real processes, network namespaces and long faults,
 * minutes rather than seconds, so not part of `npm test`. One file at a time: the machine has
 * two cores and these tests measure time to a safe state.
 */
export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 180_000,
    pool: 'forks',
    fileParallelism: false,
    // electron-store imports 'electron': inlined so the IPC fuzz's vi.mock('electron') reaches it
    server: { deps: { inline: ['electron-store'] } },
  },
});
