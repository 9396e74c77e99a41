import { registerBackend } from '@rnnkit/core';
import type { TfjsBackend, TfjsBackendName, TfjsBackendOptions } from './backend.js';
import { startTfjs } from './create.js';

// The browser entry (package.json: every condition but "node"): no Node built-ins. tfjs-wasm
// fetches its .wasm binaries from the URLs given to setWasmPaths (from
// @tensorflow/tfjs-backend-wasm), called before `setBackend('tfjs-wasm')`; see the README.

export type { ScatterMode, TfjsBackend, TfjsBackendName, TfjsBackendOptions } from './backend.js';
export { TFJS_PACKAGES } from './create.js';
export { missingPackageError } from './load.js';

/**
 * Starts TensorFlow.js on the cpu, wasm or webgl backend and returns an rnnkit backend on it
 * (see the Node entry's documentation).
 */
export function createTfjsBackend(
  name: TfjsBackendName,
  options: TfjsBackendOptions = {},
): Promise<TfjsBackend> {
  return startTfjs(name, options, () => undefined);
}

// WebGL first in a browser: it is the fast one there when the page has a GPU.
registerBackend('tfjs-webgl', () => createTfjsBackend('tfjs-webgl'), { priority: 30 });
registerBackend('tfjs-wasm', () => createTfjsBackend('tfjs-wasm'), { priority: 20 });
registerBackend('tfjs-cpu', () => createTfjsBackend('tfjs-cpu'), { priority: 10 });
