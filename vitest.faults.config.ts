import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';

// The fault suite (test/faults/): real processes, sockets and Mosquitto, minutes long; run by
// `npm run test:faults` (CI) and, for the week-long soak, `npm run soak`. Not part of `vitest run`.
export default defineConfig({
  plugins: [vue()],
  test: {
    include: ['test/faults/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 120_000,
    pool: 'forks',
    server: { deps: { inline: ['electron-store'] } },
  },
});
