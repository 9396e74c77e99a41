import type { Backend } from './backend.js';

/**
 * `backend` as a backend that cannot read synchronously, as a WebGPU one or ONNX Runtime Web on
 * a page's main thread: the same kernels, storage and capabilities, but no `readSync` (and
 * `'readSync' in it` is false), so `tensor.dataSync()` and `item()` throw and only `await
 * tensor.data()` reads. For tests that check code keeps to the contract (reads are
 * asynchronous): register it under a name of its own,
 * `registerBackend('js-async-reads', () => withoutSyncReads(createJsBackend()))`.
 */
export function withoutSyncReads<S>(
  backend: Backend<S>,
  name = `${backend.name}-async-reads`,
): Backend<S> {
  // A proxy rather than a prototype copy: a backend's methods may use private fields, so each
  // one is called on the backend itself.
  return new Proxy(backend, {
    get(target, key) {
      if (key === 'readSync') return undefined;
      if (key === 'name') return name;
      const v = Reflect.get(target, key, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
    has(target, key) {
      return key !== 'readSync' && Reflect.has(target, key);
    },
  });
}
