import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// #cells-peer (package.json "imports") points into dist; the tests run the Node version from
// source, so there is one copy of cells-peer.ts in the test process.
export default defineConfig({
  resolve: {
    alias: {
      '#cells-peer': fileURLToPath(new URL('./src/cells-peer.ts', import.meta.url)),
    },
  },
});
