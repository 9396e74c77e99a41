// The backends the page offers, in the picker's order. Each entry loads its package only when
// chosen (a dynamic import, so Vite splits it into its own chunk); adding a backend is one line.
// `threads` says what the backend computes with and `notice` why, for the status line.

import type { Backend } from '@rnnkit/core';

export interface OfferedBackend {
  /** The rnnkit backend name (`setBackend(name)`). */
  name: string;
  label: string;
  /** Imports the package that registers `name` and prepares it (runs in the worker). */
  load(): Promise<void>;
  /** Threads (or 'GPU') the backend computes with, once started. */
  threads(backend: Backend): Promise<string>;
  /** One line on how it runs, where the backend chose something for this page (threads). */
  notice?(backend: Backend): Promise<string>;
}

export const BACKENDS: readonly OfferedBackend[] = [
  {
    name: 'js',
    label: 'js (plain JavaScript)',
    load: async () => void (await import('@rnnkit/backend-js')),
    threads: async () => '1',
  },
  {
    name: 'tfjs-wasm',
    label: 'tfjs-wasm (TensorFlow.js WebAssembly)',
    load: async () => (await import('./tfjs-wasm-paths.js')).loadTfjsWasm(),
    threads: async () => String((await import('@tensorflow/tfjs-backend-wasm')).getThreadsCount()),
  },
  {
    name: 'tfjs-webgl',
    label: 'tfjs-webgl (TensorFlow.js WebGL)',
    load: async () => void (await import('@rnnkit/backend-tfjs')),
    threads: async () => 'GPU',
  },
  {
    name: 'onnx-wasm',
    label: 'onnx-wasm (ONNX Runtime Web WebAssembly)',
    load: async () => void (await import('@rnnkit/backend-onnx/web')),
    threads: async (backend) => String((await ortThreads(backend)).threads),
    notice: async (backend) => (await ortThreads(backend)).notice,
  },
  {
    name: 'onnx-webgpu',
    label: 'onnx-webgpu (ONNX Runtime Web WebGPU)',
    load: async () => void (await import('@rnnkit/backend-onnx/web')),
    threads: async (backend) => `GPU + ${(await ortThreads(backend)).threads} wasm`,
    notice: async (backend) =>
      `Kernels run on WebGPU; training and evaluation steps (graphs with loops) on WebAssembly. ${(await ortThreads(backend)).notice}`,
  },
];

/**
 * The WebAssembly threads an ONNX Runtime Web backend computes with, and the backend's own line
 * on why (cross-origin isolated or not); the page registers them with their defaults.
 */
async function ortThreads(backend: Backend): Promise<{ threads: number; notice: string }> {
  const { WebOnnxBackend, wasmThreads } = await import('@rnnkit/backend-onnx/web');
  if (!(backend instanceof WebOnnxBackend))
    throw new Error(`backend '${backend.name}' is not an ONNX Runtime Web backend`);
  return { threads: backend.config.threads, notice: wasmThreads().notice.replace(/^rnnkit: /, '') };
}

export function offeredBackend(name: string): OfferedBackend {
  const b = BACKENDS.find((x) => x.name === name);
  if (!b)
    throw new Error(
      `backend '${name}' is not offered here; choose one of ${BACKENDS.map((x) => x.name).join(', ')}`,
    );
  return b;
}
