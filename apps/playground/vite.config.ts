import { defineConfig } from 'vitest/config';

// Cross-origin isolation (COOP + COEP) gives the page SharedArrayBuffer, which tfjs-wasm's
// threaded build needs; without it tfjs-wasm runs on one thread. Both the dev server and
// `vite preview` (what `pnpm playground` and the page test serve) send the headers.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  server: { headers: isolation },
  preview: { headers: isolation },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  test: { include: ['e2e/**/*.test.ts'], testTimeout: 300_000, hookTimeout: 300_000 },
});
