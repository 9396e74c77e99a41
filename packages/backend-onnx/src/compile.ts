import type { KernelTensor, LoopSpec, TypedArray } from '@rnnkit/core';
import type { GraphCache } from './graph/graph-cache.js';
import { hostData, type OnnxStorage } from './storage.js';
import { Trace } from './trace/trace.js';

/** The part of the backend that compiling touches. */
export interface Traceable {
  sink: { emit: Trace['emit'] } | null;
  readonly graphs: GraphCache;
}

/**
 * core's `compile` on this backend: each call traces `fn` (cheap: kernels only add nodes) and
 * runs the graph, reusing the session of an identical earlier trace. Tracing every call keeps
 * JavaScript state right (an optimizer's step count, a schedule's learning rate): those values
 * reach the graph as scalar inputs, not as constants baked into it. A compiled function called
 * inside another one is inlined.
 */
export function compileOn<A extends unknown[], R>(
  be: Traceable,
  fn: (...args: A) => R,
): (...args: A) => R {
  return (...args: A): R => {
    if (be.sink) return fn(...args);
    const trace = new Trace(be.graphs);
    be.sink = trace;
    let result: R;
    try {
      result = fn(...args);
    } catch (e) {
      trace.abandon();
      throw e;
    } finally {
      be.sink = null;
    }
    trace.finish();
    return result;
  };
}

/** core's `scan` while tracing: an ONNX Scan node; null outside compile. */
export function lowerScanOn(be: Traceable, spec: LoopSpec<OnnxStorage>): OnnxStorage[] | null {
  return be.sink instanceof Trace ? be.sink.scan(spec) : null;
}

/** core's scan backward inside compile: replay the forward loop's values (see Trace.replay). */
export function replayOn<T>(be: Traceable, key: object, fn: () => T): T {
  return be.sink instanceof Trace ? be.sink.replay(key, fn) : fn();
}

/** Synchronous read: a value pending in the running trace first runs the graph so far. */
export function readOn(be: Traceable, x: KernelTensor<OnnxStorage>): TypedArray {
  if (x.storage.sym && be.sink instanceof Trace) be.sink.flush();
  return hostData(x);
}
