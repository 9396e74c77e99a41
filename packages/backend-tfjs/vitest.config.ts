import { defineConfig } from 'vitest/config';

// Node runs every test file but the browser ones (vitest.browser.config.ts runs those in Chromium).
export default defineConfig({
  test: { exclude: ['**/node_modules/**', 'src/**/*.browser.test.ts'] },
});
