/**
 * @rnnkit/backend-onnx/web: rnnkit on ONNX Runtime Web in a browser. Importing it registers
 * 'onnx-wasm' (WebAssembly) and 'onnx-webgpu'. Never imports node: modules.
 */
import { registerBackend } from '@rnnkit/core';
import { WebOnnxBackend } from './runtime/web/web-backend.js';

export { OnnxRuntimeError } from '@rnnkit/onnx/errors';
export { WebOnnxBackend } from './runtime/web/web-backend.js';
export type { WebRuntimeConfig } from './runtime/web/web-runtime.js';
export { OnnxWorkerStoppedError } from './runtime/worker-stopped.js';

/** The names this entry registers. */
export type WebOnnxBackendName = 'onnx-wasm' | 'onnx-webgpu';

export interface WebOnnxBackendOptions {
  /**
   * WebAssembly threads. Default: min(navigator.hardwareConcurrency, 4) when the page is
   * cross-origin isolated (threads need SharedArrayBuffer), else 1.
   */
  threads?: number;
  /**
   * Where onnxruntime-web's .wasm files are served from, a URL prefix ending in '/'
   * (`ort.env.wasm.wasmPaths`): set it when the bundler does not serve them next to the script.
   */
  wasmPaths?: string;
}

interface PageGlobals {
  crossOriginIsolated?: boolean;
  navigator?: { hardwareConcurrency?: number; gpu?: { requestAdapter(): Promise<unknown> } };
}
const page = globalThis as PageGlobals;

/** The WebAssembly thread count by default, and the one line that says which and why. */
export function wasmThreads(): { threads: number; notice: string } {
  if (page.crossOriginIsolated) {
    const threads = Math.max(1, Math.min(page.navigator?.hardwareConcurrency ?? 1, 4));
    return {
      threads,
      notice: `rnnkit: ONNX Runtime Web computes with ${threads} WebAssembly threads (the page is cross-origin isolated).`,
    };
  }
  return {
    threads: 1,
    notice:
      'rnnkit: ONNX Runtime Web computes with 1 WebAssembly thread: the page is not cross-origin isolated, so it has no SharedArrayBuffer. Serve it with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp for threads.',
  };
}

/**
 * Starts ONNX Runtime Web in a Web Worker and returns an rnnkit backend on it. The registry
 * calls this for `setBackend('onnx-wasm')` / `setBackend('onnx-webgpu')`; call it yourself only to
 * pass options. 'onnx-webgpu' fails, naming 'onnx-wasm', where the browser has no WebGPU adapter.
 */
export async function createWebOnnxBackend(
  name: WebOnnxBackendName,
  options: WebOnnxBackendOptions = {},
): Promise<WebOnnxBackend> {
  if (name !== 'onnx-wasm' && name !== 'onnx-webgpu') {
    throw new Error(`unknown onnx web backend '${String(name)}': use 'onnx-wasm' or 'onnx-webgpu'`);
  }
  if (typeof Worker === 'undefined') {
    throw new Error(
      `backend '${name}' runs ONNX Runtime Web in a Web Worker, which this environment lacks; in Node, import '@rnnkit/backend-onnx' and use 'onnx'`,
    );
  }
  if (name === 'onnx-webgpu') {
    const adapter = await page.navigator?.gpu?.requestAdapter();
    if (!adapter) {
      throw new Error(
        "backend 'onnx-webgpu' needs WebGPU, and this browser offers no WebGPU adapter (navigator.gpu); use 'onnx-wasm'",
      );
    }
  }
  let threads = options.threads;
  if (threads === undefined) {
    const d = wasmThreads();
    threads = d.threads;
    console.info(d.notice);
  }
  const ep = name === 'onnx-webgpu' ? 'webgpu' : 'wasm';
  return new WebOnnxBackend(name, { ep, threads, wasmPaths: options.wasmPaths });
}

// Importing this entry makes both names available. The JS backend stays the default (priority
// 100); ask for these by name: `await setBackend('onnx-wasm')`.
registerBackend('onnx-wasm', () => createWebOnnxBackend('onnx-wasm'), { priority: 5 });
registerBackend('onnx-webgpu', () => createWebOnnxBackend('onnx-webgpu'), { priority: 4 });
