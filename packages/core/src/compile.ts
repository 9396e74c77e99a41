import { getBackend } from './registry.js';

/**
 * Traces `fn` into a graph the backend runs as one call, where the backend can (the ONNX
 * Runtime backend does); eager backends return `fn` unchanged. Model code calls it the same way.
 */
export function compile<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
  const be = getBackend();
  return be.compile ? be.compile(fn) : fn;
}
