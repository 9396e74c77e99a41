import { createRequire } from 'node:module';
import { dirname, sep } from 'node:path';
import type { TfModule } from './tfjs-layers-api.js';

export type { TfModule } from './tfjs-layers-api.js';

/**
 * TensorFlow.js's own layers API as a peer of rnnkit: the `tfjs-layers-*` "backends" run the
 * workloads of `workloads/layers/` (the same models built with `tf.sequential` and `tf.layers`)
 * on TensorFlow.js's wasm or cpu backend, so that one bench run prints both side by side.
 *
 * They load `@tensorflow/tfjs`, the union package a TensorFlow.js user installs: it registers
 * the gradients and the chained tensor methods that tfjs-layers needs for training. With only
 * `@tensorflow/tfjs-core` + `@tensorflow/tfjs-layers` (their Node entry points) neither is
 * registered: building an LSTM fails in the Orthogonal initializer (`rMat.flatten is not a
 * function`) and `fit` finds no gradient functions.
 */

/** The tfjs-layers peers and the TensorFlow.js backend each runs on. */
export const LAYERS_BACKENDS = {
  'tfjs-layers-wasm': 'wasm',
  'tfjs-layers-cpu': 'cpu',
} as const;

export type LayersBackendName = keyof typeof LAYERS_BACKENDS;

export function isLayersBackend(name: string): name is LayersBackendName {
  return Object.hasOwn(LAYERS_BACKENDS, name);
}

const require = createRequire(import.meta.url);

/** Whether `@tensorflow/tfjs` and the wasm backend can be loaded (they are this package's dependencies). */
export function layersAvailable(): boolean {
  try {
    require.resolve('@tensorflow/tfjs');
    return true;
  } catch {
    return false;
  }
}

let loaded: TfModule | undefined;

/** Imports `@tensorflow/tfjs` once (lazily: runs without a tfjs-layers backend never load it). */
export async function loadTf(): Promise<TfModule> {
  if (!loaded) {
    try {
      loaded = (await import('@tensorflow/tfjs')) as TfModule;
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
        throw new Error(
          'the tfjs-layers backends need @tensorflow/tfjs (a dependency of @rnnkit/bench): run pnpm install',
          { cause: e },
        );
      }
      throw e;
    }
  }
  return loaded;
}

/**
 * Makes TensorFlow.js's wasm or cpu backend the active one for a tfjs-layers peer and returns
 * tf and the backend's thread count. The wasm binaries are found the way
 * `@rnnkit/backend-tfjs` finds them (next to the package's Node entry point). The same
 * tfjs-core engine serves `@rnnkit/backend-tfjs`; its `tfjs-*` backends switch it back when
 * they run.
 */
export async function useLayersBackend(
  name: LayersBackendName,
): Promise<{ tf: TfModule; threads: number }> {
  const tf = await loadTf();
  const tfName = LAYERS_BACKENDS[name];
  let threads = 1;
  if (tfName === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    if (!tf.findBackend('wasm')) {
      wasm.setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}${sep}`);
    }
    await setTfBackend(tf, tfName);
    threads = wasm.getThreadsCount();
  } else {
    await setTfBackend(tf, tfName);
    // tfjs-cpu advises installing tfjs-node on first use; rnnkit's bench cannot use it.
    const cpu = tf.findBackend('cpu') as { firstUse?: boolean } | null;
    if (cpu) cpu.firstUse = false;
  }
  return { tf, threads };
}

async function setTfBackend(tf: TfModule, tfName: string): Promise<void> {
  const ok = await tf.setBackend(tfName);
  if (!ok || tf.getBackend() !== tfName)
    throw new Error(`TensorFlow.js could not initialise its '${tfName}' backend`);
}
