import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import plain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { env } from '@tensorflow/tfjs-core';

// tfjs-wasm fetches one of its .wasm binaries at start (SIMD where the browser has it, else
// plain). Vite copies each into the build under a hashed name and gives its URL (`?url`);
// setWasmPaths tells tfjs those URLs, before it starts.
//
// The threaded build stays off: tfjs-backend-wasm 4.22 starts its threads from the source text
// of its module factory (Function.prototype.toString), which names variables that only exist
// before bundling, so in a bundle every thread fails ("e is not defined").

export async function loadTfjsWasm(): Promise<void> {
  env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  // tfjs wants a URL for every binary, the unused threaded one included.
  setWasmPaths({
    'tfjs-backend-wasm.wasm': plain,
    'tfjs-backend-wasm-simd.wasm': simd,
    'tfjs-backend-wasm-threaded-simd.wasm': threaded,
  });
  await import('@rnnkit/backend-tfjs');
}
