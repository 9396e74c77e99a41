import { createRequire } from 'node:module';
import { dirname, sep } from 'node:path';
import { registerBackend } from '@rnnkit/core';
import type { TfjsBackend, TfjsBackendName, TfjsBackendOptions } from './backend.js';
import { startTfjs } from './create.js';

// The Node entry (package.json: the "node" condition). browser.ts is the same without the
// file-system lookup of the wasm binaries.

export type { ScatterMode, TfjsBackend, TfjsBackendName, TfjsBackendOptions } from './backend.js';
export { TFJS_PACKAGES } from './create.js';
export { missingPackageError } from './load.js';

const require = createRequire(import.meta.url);

/**
 * Starts TensorFlow.js on the cpu, wasm or webgl backend and returns an rnnkit backend on it.
 * The registry calls this for `setBackend('tfjs-cpu')` and the others; call it yourself only to
 * pass options (then `registerBackend(name, () => createTfjsBackend(name, options))`).
 * 'tfjs-webgl' is refused with a clear error where no WebGL context exists (plain Node.js).
 */
export function createTfjsBackend(
  name: TfjsBackendName,
  options: TfjsBackendOptions = {},
): Promise<TfjsBackend> {
  // The .wasm binaries ship in the package's dist folder (next to its Node entry point).
  return startTfjs(
    name,
    options,
    () => `${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}${sep}`,
  );
}

// Importing this package makes the names available (apps' help texts list them in this order).
// The JS backend stays the default (priority 100); these start asynchronously:
// `await setBackend('tfjs-wasm')`.
registerBackend('tfjs-cpu', () => createTfjsBackend('tfjs-cpu'), { priority: 10 });
registerBackend('tfjs-wasm', () => createTfjsBackend('tfjs-wasm'), { priority: 20 });
registerBackend('tfjs-webgl', () => createTfjsBackend('tfjs-webgl'), { priority: 5 });
