import { RnnkitError, type Shape, type TypedArray } from '@rnnkit/core';
import { OnnxRuntimeError } from '@rnnkit/onnx/errors';
import type { OnnxWorkerStoppedError } from './worker-stopped.js';

/**
 * The request protocol between the backend and a worker that runs ONNX Runtime: the Node
 * worker thread (node/remote.ts, node/ort-worker.mjs) and the browser's Web Worker
 * (web/web-runtime.ts, web/ort-web-worker.ts) speak it alike. The backend posts a graph's model
 * once (`load`), then runs of it (`run`) whose inputs are host values or values the worker
 * already holds, under ids the backend chose; the results stay in the worker until read or
 * freed. The worker handles messages in arrival order, so a read sees every run posted before it.
 */

/** A host value fed to or fetched from a session. */
export interface HostValue {
  data: TypedArray;
  shape: Shape;
}

/**
 * An input of a graph run in the worker: host values, a value the worker already holds, or host
 * values that move there (`move`): their buffer is transferred, not copied, and the worker keeps
 * the value after the run, under an id that `run` returns, so the caller no longer holds them.
 */
export type Feed = HostValue | { ref: number } | (HostValue & { move: true });

/** A feed as posted: a moved one carries the id the worker keeps it under. */
export type PostedFeed = HostValue | { ref: number } | (HostValue & { keep: number });

/** The messages the backend posts to the worker. */
export type Request =
  | {
      t: 'load';
      sid: number;
      model: Uint8Array;
      inputs: readonly string[];
      outputs: readonly string[];
      options: object;
    }
  | { t: 'run'; sid: number; feeds: readonly PostedFeed[]; outs: number[] }
  | { t: 'read'; id: number; rid?: number }
  | { t: 'free'; ids: number[] }
  | { t: 'drop'; sid: number }
  | { t: 'stats'; rid?: number }
  | { t: 'close' };

/** The worker's answer to a read (`rid`: the read's request id, for asynchronous reads). */
export interface Reply {
  rid?: number;
  data?: TypedArray;
  shape?: Shape;
  error?: string;
  /** ONNX Runtime's own message, when ONNX Runtime raised `error`. */
  ort?: string;
}

/** What a graph's session options depend on. */
export interface GraphTraits {
  /** It has Scan loops. */
  readonly loops: boolean;
  /** Elements of its inputs and of the sequences its loops read: how large its intermediates get. */
  readonly dataElements: number;
}

/** A graph without loops (one kernel, or code with no scan). */
export const NO_LOOPS: GraphTraits = { loops: false, dataElements: 0 };

/**
 * What tensor storage needs from a runtime whose values live in a worker: post runs, read values
 * (asynchronously always; synchronously only where the platform can block a thread, i.e. Node)
 * and free them.
 */
export interface ValueRuntime {
  /** Why the worker is unusable; null while it runs. */
  readonly stopped: OnnxWorkerStoppedError | null;
  /** Loads a model in the worker (its session options follow `traits`); returns its session id. */
  load(
    model: Uint8Array,
    inputs: readonly string[],
    outputs: readonly string[],
    traits?: GraphTraits,
  ): number;
  /**
   * Posts a run of session `sid`; returns the ids its outputs will have, then those of its moved
   * feeds (`move`), in order.
   */
  run(sid: number, feeds: readonly Feed[], outputs: number): number[];
  /** A value's host copy, without blocking. */
  read(id: number): Promise<HostValue>;
  /** A value's host copy now, blocking the thread; absent where no thread may block (browsers). */
  readonly readSync?: (id: number) => HostValue;
  /** The worker may drop the value. */
  free(id: number): void;
  /** Unloads session `sid`. */
  drop(sid: number): void;
  dispose(): void;
}

/** A reply's value, or the error it carries (ONNX Runtime's as OnnxRuntimeError). */
export function unwrap(r: Reply): HostValue {
  if (r.ort !== undefined) {
    throw new OnnxRuntimeError('onnx backend: running a graph in the worker', r.ort);
  }
  if (r.error !== undefined) throw new RnnkitError(`onnx backend: ${r.error}`);
  return { data: r.data!, shape: r.shape! };
}
