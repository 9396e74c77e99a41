import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Core's tests run against the real JS backend. Both resolve to source here, so there is one copy
// of core in the test process; core itself never depends on a backend.
const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      '@rnnkit/core/gemm': src('./src/gemm.ts'),
      '@rnnkit/core': src('./src/index.ts'),
      '@rnnkit/backend-js': src('../backend-js/src/index.ts'),
    },
  },
});
