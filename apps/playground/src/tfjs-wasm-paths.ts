import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import plain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

// tfjs-wasm fetches one of its three .wasm binaries at start: threaded SIMD where the page is
// cross-origin isolated (threads share memory through SharedArrayBuffer), else SIMD, else plain.
// Vite copies each into the build under a hashed name and gives its URL (`?url`); setWasmPaths
// tells tfjs those URLs, before it starts. (The threaded build needs vite.config.ts's minifier.)

export async function loadTfjsWasm(): Promise<void> {
  setWasmPaths({
    'tfjs-backend-wasm.wasm': plain,
    'tfjs-backend-wasm-simd.wasm': simd,
    'tfjs-backend-wasm-threaded-simd.wasm': threaded,
  });
  await import('@rnnkit/backend-tfjs');
}
