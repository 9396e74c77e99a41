import { createRequire } from 'node:module';
import { dirname, sep } from 'node:path';
import { registerBackend } from '@rnnkit/core';
import type { TfjsBackend, TfjsBackendName, TfjsBackendOptions } from './backend.js';
import { importPeer } from './load.js';

export type { ScatterMode, TfjsBackend, TfjsBackendName, TfjsBackendOptions } from './backend.js';
export { missingPackageError } from './load.js';

/** The npm package each tfjs backend needs besides @tensorflow/tfjs-core. */
export const TFJS_PACKAGES: Readonly<Record<TfjsBackendName, string>> = {
  'tfjs-cpu': '@tensorflow/tfjs-backend-cpu',
  'tfjs-wasm': '@tensorflow/tfjs-backend-wasm',
};

const require = createRequire(import.meta.url);

/**
 * Starts TensorFlow.js on the cpu or wasm backend and returns an rnnkit backend on it. The
 * registry calls this for `setBackend('tfjs-cpu')` / `setBackend('tfjs-wasm')`; call it yourself
 * only to pass options (then `registerBackend(name, () => createTfjsBackend(name, options))`).
 */
export async function createTfjsBackend(
  name: TfjsBackendName,
  options: TfjsBackendOptions = {},
): Promise<TfjsBackend> {
  const pkg = TFJS_PACKAGES[name];
  if (!pkg)
    throw new Error(`unknown tfjs backend '${String(name)}': use 'tfjs-cpu' or 'tfjs-wasm'`);
  const tf = await importPeer(name, '@tensorflow/tfjs-core', () => import('@tensorflow/tfjs-core'));
  let tfName: string;
  if (name === 'tfjs-wasm') {
    tfName = 'wasm';
    const wasm = await importPeer(name, pkg, () => import('@tensorflow/tfjs-backend-wasm'));
    if (!tf.findBackend('wasm')) {
      // The .wasm binaries ship in the package's dist folder (next to its Node entry point).
      wasm.setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}${sep}`);
    }
  } else {
    tfName = 'cpu';
    await importPeer(name, pkg, () => import('@tensorflow/tfjs-backend-cpu'));
  }
  const ok = await tf.setBackend(tfName);
  if (!ok || tf.getBackend() !== tfName) {
    throw new Error(`TensorFlow.js could not initialise its '${tfName}' backend`);
  }
  if (tfName === 'cpu') {
    // tfjs-cpu prints "install tfjs-node to speed things up" on first use; rnnkit cannot use
    // tfjs-node, so the advice does not apply here.
    const cpu = tf.findBackend('cpu') as { firstUse?: boolean } | null;
    if (cpu && 'firstUse' in cpu) cpu.firstUse = false;
  }
  const { TfjsBackend } = await import('./backend.js');
  return new TfjsBackend(name, options);
}

// Importing this package makes both names available (apps' help texts list them in this order).
// The JS backend stays the default (priority 100); these start asynchronously:
// `await setBackend('tfjs-wasm')`.
registerBackend('tfjs-cpu', () => createTfjsBackend('tfjs-cpu'), { priority: 10 });
registerBackend('tfjs-wasm', () => createTfjsBackend('tfjs-wasm'), { priority: 20 });
