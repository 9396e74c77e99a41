import { defineConfig } from 'vitest/config';

// Cross-origin isolation (COOP + COEP) gives the page SharedArrayBuffer, which the threaded
// builds of tfjs-wasm and onnxruntime-web need; without it each runs on one thread. Both the dev
// server and `vite preview` (what `pnpm playground` and the page test serve) send the headers.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  server: { headers: isolation },
  preview: { headers: isolation },
  worker: { format: 'es' },
  // onnxruntime-web finds its .wasm beside its own script (`new URL(..., import.meta.url)`): the
  // build emits it as an asset beside the chunk, and the dev server serves the package as it is
  // instead of pre-bundling it elsewhere, where that URL would point at nothing.
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  // esbuild's minifier, not the default one: tfjs-backend-wasm starts its threads from the source
  // text of its module factory (Function.prototype.toString), and after the default minifier
  // every thread failed ("e is not defined"); the page test checks the threaded build runs.
  build: { target: 'es2022', chunkSizeWarningLimit: 4096, minify: 'esbuild' },
  test: { include: ['e2e/**/*.test.ts'], testTimeout: 300_000, hookTimeout: 300_000 },
});
