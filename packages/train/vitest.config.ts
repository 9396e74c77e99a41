import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// #trainer-io (package.json "imports") points into dist; the tests run the Node version from
// source, so there is one copy of checkpoint.ts, run-lock.ts and progress.ts in the test process.
export default defineConfig({
  resolve: {
    alias: {
      '#trainer-io': fileURLToPath(new URL('./src/trainer-io.ts', import.meta.url)),
    },
  },
});
