import { defineConfig } from 'vite';

// What the READMEs ask of a Vite project, and nothing else: cross-origin isolation headers
// (threads for onnx-wasm and tfjs-wasm), workers bundled as ES modules (onnxruntime-web starts
// its threads from its own module's URL), onnxruntime-web left out of dependency pre-bundling
// (its .wasm is found beside its script) and esbuild's minifier (tfjs-wasm's threads start from
// the source text of its module factory).
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  server: { headers: isolation },
  preview: { headers: isolation },
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  build: { minify: 'esbuild' },
});
