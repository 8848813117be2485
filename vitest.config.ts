import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // the dashboard's component tests import .vue files
  plugins: [vue()],
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // electron-store imports 'electron': inlined so the tests' vi.mock('electron') reaches it
    // (the real package would try to download the Electron binary).
    server: { deps: { inline: ['electron-store'] } },
  },
});
