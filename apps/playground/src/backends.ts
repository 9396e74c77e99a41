// The backends the page offers, in the picker's order. Each entry loads its package only when
// chosen (a dynamic import, so Vite splits it into its own chunk); adding a backend is one line.
// `threads` says what the backend computes with, for the status line.

export interface OfferedBackend {
  /** The rnnkit backend name (`setBackend(name)`). */
  name: string;
  label: string;
  /** Imports the package that registers `name` and prepares it (runs in the worker). */
  load(): Promise<void>;
  /** Threads (or 'GPU') the backend computes with, once started. */
  threads(): Promise<string>;
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
];

export function offeredBackend(name: string): OfferedBackend {
  const b = BACKENDS.find((x) => x.name === name);
  if (!b)
    throw new Error(
      `backend '${name}' is not offered here; choose one of ${BACKENDS.map((x) => x.name).join(', ')}`,
    );
  return b;
}
