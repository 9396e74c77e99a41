import { defineConfig } from 'vitest/config';

// Node runs every test file but the browser ones (vitest.browser.config.ts and
// vitest.unisolated.config.ts run those in Chromium).
export default defineConfig({
  test: {
    exclude: ['**/node_modules/**', 'src/**/*.browser.test.ts', 'src/**/*.unisolated.test.ts'],
  },
});
