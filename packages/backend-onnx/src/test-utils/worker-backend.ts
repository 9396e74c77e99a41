import { registerBackend, useBackend } from '@rnnkit/core';
import type { OnnxBackend } from '../backend.js';
import { createOnnxBackend } from '../index.js';
import type { RemoteRuntime } from '../runtime/node/remote.js';

/**
 * Registers a 1-thread onnx backend that runs every graph in the Node worker as `name`, and makes
 * it current; `stats` asks its worker what it holds.
 */
export function useWorkerBackend(name: string): {
  be: OnnxBackend;
  stats: () => ReturnType<RemoteRuntime['stats']>;
} {
  registerBackend(name, () => createOnnxBackend('onnx', { threads: 1, worker: true }));
  const be = useBackend(name) as OnnxBackend;
  return { be, stats: () => (be.graphs.remote as RemoteRuntime).stats() };
}
