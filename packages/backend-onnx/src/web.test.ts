import { describe, expect, it } from 'vitest';
import { createWebOnnxBackend, wasmThreads } from './web.js';

// The browser entry outside a browser (Node has no Web Worker and no cross-origin isolation):
// what a page that is not cross-origin isolated gets, and the error for a non-browser.
describe('@rnnkit/backend-onnx/web outside a cross-origin isolated page', () => {
  it('uses one WebAssembly thread and says why, naming the two headers', () => {
    expect(globalThis.crossOriginIsolated).not.toBe(true);
    const { threads, notice } = wasmThreads();
    expect(threads).toBe(1);
    expect(notice).toMatch(/not cross-origin isolated/);
    expect(notice).toMatch(/Cross-Origin-Opener-Policy: same-origin/);
    expect(notice).toMatch(/Cross-Origin-Embedder-Policy: require-corp/);
  });

  it('refuses to start without Web Workers, naming the Node backend', async () => {
    await expect(createWebOnnxBackend('onnx-wasm')).rejects.toThrow(/Web Worker.*'onnx'/);
  });

  it('refuses an unknown name, listing the two', async () => {
    await expect(createWebOnnxBackend('onnx-gpu' as 'onnx-wasm')).rejects.toThrow(
      /use 'onnx-wasm' or 'onnx-webgpu'/,
    );
  });
});
