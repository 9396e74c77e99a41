import { createRequire } from 'node:module';
import type { TypedArray } from '@rnnkit/core';
import { OnnxRuntimeError } from '@rnnkit/onnx/errors';
import { type GraphTraits, type HostValue, NO_LOOPS } from '../protocol.js';

/**
 * ONNX Runtime, driven synchronously. onnxruntime-node's public `InferenceSession.run` only wraps
 * its native binding's synchronous `run` in `setImmediate` and a Promise; rnnkit's kernels are
 * synchronous, so this module calls the binding directly (`dist/binding.js`, an internal file:
 * the package's peer range admits only the releases it was tested on, 1.30.0 and 1.31.1, and a
 * binding without the shape used here fails naming that range instead of with a TypeError).
 */

interface OrtTensor {
  readonly data: TypedArray | BigInt64Array;
  readonly dims: readonly number[];
  readonly type: string;
}
interface OrtTensorCtor {
  new (type: string, data: TypedArray | BigInt64Array, dims: readonly number[]): OrtTensor;
}
interface NativeSession {
  loadModel(buffer: ArrayBuffer, byteOffset: number, byteLength: number, options: object): void;
  run(
    feeds: Record<string, OrtTensor>,
    fetches: Record<string, null>,
    options: object,
  ): Record<string, OrtTensor>;
  dispose(): void;
}
interface Ort {
  Tensor: OrtTensorCtor;
  binding: { InferenceSession: new () => NativeSession };
  initOrt(): void;
  version: string;
}

const require = createRequire(import.meta.url);
let ort: Ort | undefined;

/** The onnxruntime-node releases this backend supports: its package.json's peer range. */
function ortRange(): string {
  const pkg = require('../../../package.json') as { peerDependencies: Record<string, string> };
  return pkg.peerDependencies['onnxruntime-node'];
}

function isNotFound(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}

/** Loads onnxruntime-node once; a missing package becomes an install instruction. */
export function loadOrt(): Ort {
  if (ort) return ort;
  let main: string;
  try {
    main = require.resolve('onnxruntime-node');
  } catch (err) {
    if (isNotFound(err)) {
      throw new Error(
        `the 'onnx' backend needs onnxruntime-node, which is not installed: npm install 'onnxruntime-node@${ortRange()}' (a peer dependency of @rnnkit/backend-onnx)`,
        { cause: err },
      );
    }
    throw err;
  }
  const local = createRequire(main);
  const pub = local('./index.js') as {
    Tensor: OrtTensorCtor;
    env: { versions: { node?: string }; logLevel?: string };
  };
  const bind = local('./binding.js') as Pick<Ort, 'binding' | 'initOrt'>;
  if (typeof bind.binding?.InferenceSession !== 'function' || typeof bind.initOrt !== 'function') {
    throw new Error(
      `the 'onnx' backend drives onnxruntime-node's native binding, which this onnxruntime-node (${main}) does not expose as expected: npm install 'onnxruntime-node@${ortRange()}' (the releases @rnnkit/backend-onnx supports)`,
    );
  }
  // ONNX Runtime logs through a process-wide logger whose level is fixed when the binding starts
  // (initOrt reads env.logLevel once). The session option logSeverityLevel does not reach it: a
  // missing CUDA provider still printed a red "[E:onnxruntime:...] Failed to load library" line
  // with logSeverityLevel 3, and env.logLevel 'error' printed it too; only 'fatal' silenced it.
  // rnnkit reports every failure as an exception (and the CUDA fallback as one notice), so it
  // raises the level from onnxruntime-common's default 'warning' to 'fatal'; any other level set
  // (ort.env.logLevel) before rnnkit first loads ONNX Runtime is kept.
  if (pub.env.logLevel === 'warning') pub.env.logLevel = 'fatal';
  bind.initOrt();
  ort = {
    Tensor: pub.Tensor,
    binding: bind.binding,
    initOrt: bind.initOrt,
    version: pub.env.versions.node ?? 'unknown',
  };
  return ort;
}

/** Session options rnnkit passes to ONNX Runtime. */
export interface SessionConfig {
  /** Intra-op threads (0: ONNX Runtime's default, one per core). */
  threads: number;
  /** Execution providers in order of preference, e.g. ['cuda', 'cpu']. */
  providers: readonly string[];
  /**
   * Where compiled graphs run: on a worker thread (true; see remote.ts), so that the event loop
   * stays free while ONNX Runtime computes, on the calling thread (false), or 'auto' (see
   * graph-cache.ts). Eager kernels always run on the calling thread.
   */
  worker?: WorkerMode;
}

/** Where compiled graphs run: 'auto' starts on the calling thread and moves to the worker for good. */
export type WorkerMode = boolean | 'auto';

/**
 * Graphs with loops and at most this many data elements (GraphTraits) run with ONNX Runtime's
 * memory pattern: after a graph's first run, one block planned for all of a run's intermediates,
 * loop bodies' included, instead of an arena allocation for each node's output. In a loop over
 * small steps (batch 1) these allocations are a share of every step's time, and the block is
 * small. In larger graphs the steps' arithmetic hides the allocations, and the block raised the
 * process's peak (figures in tooling/bench/README.md).
 */
export const PLANNED_MEMORY_ELEMENTS = 2 * 1024 * 1024;

/**
 * ONNX Runtime session options for `config`, for a graph with `traits`.
 *
 * With more than one intra-op thread, ONNX Runtime's pool threads either spin between parallel
 * sections or sleep. A loop's steps are small parallel sections one after another, and waking a
 * sleeping thread takes about as long as a step's product, so sleeping threads make a loop no
 * faster than one thread. Spinning threads in every session take the cores the JavaScript thread
 * and the other sessions' threads need (each session has its own pool). So only graphs with loops
 * spin, which trained fastest of the three (figures in tooling/bench/README.md).
 */
export function sessionOptions(config: SessionConfig, traits: GraphTraits): object {
  const { loops, dataElements } = traits;
  return {
    intraOpNumThreads: config.threads,
    interOpNumThreads: 1,
    executionProviders: [...config.providers],
    graphOptimizationLevel: 'all',
    // failures reach the caller as exceptions; at level 3 ONNX Runtime also printed every
    // failing run as a red log line on stderr
    logSeverityLevel: 4,
    enableMemPattern: loops && dataElements <= PLANNED_MEMORY_ELEMENTS,
    ...(config.threads !== 1
      ? { extra: { session: { intra_op: { allow_spinning: loops ? '1' : '0' } } } }
      : {}),
  };
}

export type { HostValue } from '../protocol.js';

/** One loaded ONNX model with its input and output names, run synchronously. */
export class Session {
  readonly #native: NativeSession;
  readonly #ort: Ort;
  readonly #fetches: Record<string, null>;

  constructor(
    model: Uint8Array,
    readonly inputNames: readonly string[],
    readonly outputNames: readonly string[],
    config: SessionConfig,
    traits: GraphTraits = NO_LOOPS,
  ) {
    this.#ort = loadOrt();
    this.#native = new this.#ort.binding.InferenceSession();
    try {
      this.#native.loadModel(
        model.buffer as ArrayBuffer,
        model.byteOffset,
        model.byteLength,
        sessionOptions(config, traits),
      );
    } catch (err) {
      throw OnnxRuntimeError.wrap('onnx backend: loading a graph', err);
    }
    this.#fetches = Object.fromEntries(outputNames.map((n) => [n, null]));
  }

  /** Runs the model on inputs given in `inputNames` order; outputs in `outputNames` order. */
  run(inputs: readonly HostValue[]): HostValue[] {
    const T = this.#ort.Tensor;
    const feeds: Record<string, OrtTensor> = {};
    for (let i = 0; i < inputs.length; i++) {
      const v = inputs[i];
      feeds[this.inputNames[i]] = new T(
        v.data instanceof Int32Array ? 'int32' : 'float32',
        v.data,
        v.shape,
      );
    }
    let out: Record<string, OrtTensor>;
    try {
      out = this.#native.run(feeds, this.#fetches, {});
    } catch (err) {
      throw OnnxRuntimeError.wrap('onnx backend: running a graph', err);
    }
    return this.outputNames.map((n) => {
      const t = out[n];
      return { data: t.data as TypedArray, shape: [...t.dims] };
    });
  }

  dispose(): void {
    this.#native.dispose();
  }
}
