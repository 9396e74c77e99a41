import { type Backend, getBackend, setBackend } from '@rnnkit/core';

/**
 * The backend the numerical tests run on: `RNNKIT_BACKEND` (default 'js'). To run them on another
 * backend, add its package to this package's devDependencies and set e.g.
 * `RNNKIT_BACKEND=tfjs-cpu pnpm --filter @rnnkit/onnx test`.
 */
export const BACKEND_NAME = process.env.RNNKIT_BACKEND ?? 'js';

const PACKAGES: Record<string, string> = {
  js: '@rnnkit/backend-js',
  'tfjs-cpu': '@rnnkit/backend-tfjs',
  'tfjs-wasm': '@rnnkit/backend-tfjs',
  onnx: '@rnnkit/backend-onnx',
  'onnx-cuda': '@rnnkit/backend-onnx',
};

export async function testBackend(): Promise<Backend> {
  const pkg = PACKAGES[BACKEND_NAME];
  if (!pkg) throw new Error(`RNNKIT_BACKEND=${BACKEND_NAME}: unknown backend name`);
  await import(pkg);
  await setBackend(BACKEND_NAME);
  return getBackend();
}

/** The backends the import tests run on: the test backend, tfjs-cpu and tfjs-wasm, each once. */
export const IMPORT_BACKENDS = [...new Set([BACKEND_NAME, 'tfjs-cpu', 'tfjs-wasm'])];

/** Backend `name`: the test backend as testBackend() sets it up, any other by setBackend. */
export async function backendNamed(name: string): Promise<Backend> {
  if (name === BACKEND_NAME) return testBackend();
  await setBackend(name);
  return getBackend();
}
