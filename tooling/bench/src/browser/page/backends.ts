import { getBackend, registerBackend, setBackend } from '@rnnkit/core';
import type { TfModule } from '../../tfjs-layers-api.js';

// The backends the browser bench measures, in the order it runs them. Each runs in a fresh Web
// Worker, where start() loads its packages (dynamic imports: Vite gives each its own chunk) and
// makes it active. Adding an rnnkit backend is one rnnkit(...) line naming the package that
// registers it; the driver reads this list from the page.

export interface BrowserBackend {
  name: string;
  /** A TensorFlow.js layers peer (the baseline of the ratios), not an rnnkit backend. */
  peer: boolean;
  description: string;
  /** Loads and activates the backend in the worker; `tf` for a peer, threads where known. */
  start(): Promise<{ threads?: number; tf?: TfModule }>;
}

/**
 * tfjs-wasm's three binaries, copied into the build by Vite (see @rnnkit/backend-tfjs's README).
 * Its thread count stays tfjs's own: the threaded build caps it at half the logical cores
 * (setThreadsCount cannot raise it), so 1 on a 2-core machine.
 */
async function tfjsWasmPaths(): Promise<typeof import('@tensorflow/tfjs-backend-wasm')> {
  const [wasm, plain, simd, threaded] = await Promise.all([
    import('@tensorflow/tfjs-backend-wasm'),
    import('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url'),
    import('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url'),
    import('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url'),
  ]);
  wasm.setWasmPaths({
    'tfjs-backend-wasm.wasm': plain.default,
    'tfjs-backend-wasm-simd.wasm': simd.default,
    'tfjs-backend-wasm-threaded-simd.wasm': threaded.default,
  });
  return wasm;
}

/**
 * An rnnkit backend registered by the package `load` imports. `threads` overrides the backend's
 * own count (undefined: computes on the GPU).
 */
function rnnkit(
  name: string,
  description: string,
  load: () => Promise<unknown>,
  threads = async (): Promise<number | undefined> => getBackend().threads?.(),
): BrowserBackend {
  return {
    name,
    peer: false,
    description,
    async start() {
      await load();
      await setBackend(name);
      return { threads: await threads() };
    },
  };
}

/** TensorFlow.js's layers API (`@tensorflow/tfjs`) on one of its backends. */
function layers(name: string, tfBackend: 'wasm' | 'webgl'): BrowserBackend {
  return {
    name,
    peer: true,
    description: `TensorFlow.js layers API on tfjs-${tfBackend}`,
    async start() {
      const tf = (await import('@tensorflow/tfjs')) as TfModule;
      const wasm = tfBackend === 'wasm' ? await tfjsWasmPaths() : undefined;
      if (!(await tf.setBackend(tfBackend)) || tf.getBackend() !== tfBackend)
        throw new Error(`TensorFlow.js could not initialise its '${tfBackend}' backend here`);
      return { tf, threads: wasm?.getThreadsCount() };
    },
  };
}

export const BROWSER_BACKENDS: readonly BrowserBackend[] = [
  rnnkit('js', 'plain JavaScript', () => import('@rnnkit/backend-js')),
  rnnkit(
    'tfjs-wasm',
    'TensorFlow.js WebAssembly',
    async () => {
      await tfjsWasmPaths();
      await import('@rnnkit/backend-tfjs');
    },
    // rnnkit's tfjs backend reports 1 (its Node figure); in a page tfjs-wasm runs threaded
    async () => (await import('@tensorflow/tfjs-backend-wasm')).getThreadsCount(),
  ),
  rnnkit(
    'tfjs-webgl',
    'TensorFlow.js WebGL',
    () => import('@rnnkit/backend-tfjs'),
    async () => undefined,
  ),
  rnnkit('onnx-wasm', 'ONNX Runtime Web, WebAssembly', () => import('@rnnkit/backend-onnx/web')),
  // The same on one thread whatever the page offers: on a 2-core machine the default's second
  // thread competes with the page's own threads (the bench README compares the two rows).
  rnnkit('onnx-wasm-1t', 'ONNX Runtime Web, WebAssembly, 1 thread', async () => {
    const { createWebOnnxBackend } = await import('@rnnkit/backend-onnx/web');
    registerBackend('onnx-wasm-1t', () => createWebOnnxBackend('onnx-wasm', { threads: 1 }));
  }),
  rnnkit(
    'onnx-webgpu',
    'ONNX Runtime Web, WebGPU',
    () => import('@rnnkit/backend-onnx/web'),
    async () => undefined,
  ),
  layers('tfjs-layers-wasm', 'wasm'),
  layers('tfjs-layers-webgl', 'webgl'),
];
