import { type Backend, BackendError, setBackend } from '@rnnkit/core';
import '@rnnkit/backend-js';

/** Packages that provide each backend name; imported on demand so only installed ones load. */
const PACKAGES: Record<string, string> = {
  'tfjs-cpu': '@rnnkit/backend-tfjs',
  'tfjs-wasm': '@rnnkit/backend-tfjs',
  onnx: '@rnnkit/backend-onnx',
  'onnx-cuda': '@rnnkit/backend-onnx',
};

/** Imports the package that provides `name` (if any) and selects that backend. */
export async function selectBackend(name: string): Promise<Backend> {
  const pkg = PACKAGES[name];
  if (pkg) {
    try {
      await import(pkg);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ERR_MODULE_NOT_FOUND') {
        throw new BackendError(
          `backend '${name}' needs the package ${pkg}: install it next to this app (npm install ${pkg})`,
        );
      }
      throw e;
    }
  }
  return setBackend(name);
}
