import type { TfjsBackend, TfjsBackendName, TfjsBackendOptions } from './backend.js';
import { importPeer } from './load.js';
import { webglUnavailableReason } from './webgl-context.js';

// Starting a TensorFlow.js backend, for both entries: index.ts (Node) tells it where the wasm
// binaries are; browser.ts leaves that to the page (setWasmPaths) or the bundler.

/** The npm package each tfjs backend needs besides @tensorflow/tfjs-core. */
export const TFJS_PACKAGES: Readonly<Record<TfjsBackendName, string>> = {
  'tfjs-cpu': '@tensorflow/tfjs-backend-cpu',
  'tfjs-wasm': '@tensorflow/tfjs-backend-wasm',
  'tfjs-webgl': '@tensorflow/tfjs-backend-webgl',
};

/** Where the tfjs-wasm binaries are, when the entry knows (Node); undefined leaves tfjs's own. */
export type WasmPrefix = () => string | undefined;

/**
 * Starts TensorFlow.js on one of its backends and returns an rnnkit backend on it. `wasmPrefix`
 * is consulted before tfjs-wasm first starts.
 */
export async function startTfjs(
  name: TfjsBackendName,
  options: TfjsBackendOptions,
  wasmPrefix: WasmPrefix,
): Promise<TfjsBackend> {
  const pkg = TFJS_PACKAGES[name];
  if (!pkg)
    throw new Error(
      `unknown tfjs backend '${String(name)}': use 'tfjs-cpu', 'tfjs-wasm' or 'tfjs-webgl'`,
    );
  if (name === 'tfjs-webgl') {
    // Refused before tfjs tries: its own failure is a console warning and a silent fallback.
    const reason = webglUnavailableReason();
    if (reason)
      throw new Error(
        `tfjs-webgl needs a WebGL context and ${reason}: use 'tfjs-wasm' or 'tfjs-cpu' here, or run in a browser`,
      );
  }
  const tf = await importPeer(name, '@tensorflow/tfjs-core', () => import('@tensorflow/tfjs-core'));
  const { TF_BACKEND, TfjsBackend } = await import('./backend.js');
  const tfName = TF_BACKEND[name];
  if (name === 'tfjs-wasm') {
    const wasm = await importPeer(name, pkg, () => import('@tensorflow/tfjs-backend-wasm'));
    const prefix = wasmPrefix();
    if (prefix !== undefined && !tf.findBackend('wasm')) wasm.setWasmPaths(prefix);
  } else if (name === 'tfjs-webgl') {
    await importPeer(name, pkg, () => import('@tensorflow/tfjs-backend-webgl'));
  } else {
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
  return new TfjsBackend(name, options);
}
