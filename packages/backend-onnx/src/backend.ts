import { availableParallelism } from 'node:os';
import type { Backend, KernelTensor, TypedArray } from '@rnnkit/core';
import { OnnxBackendBase } from './backend-base.js';
import { readOn } from './compile.js';
import { EagerRunner } from './eager.js';
import type { KernelCall } from './graph/emit.js';
import { GraphCache } from './graph/graph-cache.js';
import { RemoteRuntime } from './runtime/node/remote.js';
import { Session, type SessionConfig, type WorkerMode } from './runtime/node/runtime.js';
import { OnnxStorage } from './storage.js';

type S = OnnxStorage;
type KT = KernelTensor<S>;

export interface OnnxBackendOptions {
  /** Intra-op threads for ONNX Runtime (default 1, or RNNKIT_ONNX_THREADS; 0: one per core). */
  threads?: number;
  /**
   * Where compiled graphs (training steps, evaluation, sampling loops) run: true, on a worker
   * thread, so the event loop stays free while they compute; false, on the calling thread;
   * 'auto' (default, or RNNKIT_ONNX_WORKER), on the calling thread until a graph takes 50 ms or
   * more, then on the worker (see graph-cache.ts).
   */
  worker?: WorkerMode;
}

/**
 * rnnkit kernels on ONNX Runtime in Node (onnxruntime-node). Outside `compile` every kernel runs
 * as a cached one-kernel session on host values; inside it, kernels add nodes to the traced
 * graph instead. The kernels (src/kernels.ts) are `Lower`s (src/lower/) handed to `call`, so both
 * paths share one lowering; backend-base.ts holds what every runtime shares, and this class adds
 * the dispatch, synchronous reads and onnxruntime-node's sessions.
 */
export class OnnxBackend extends OnnxBackendBase implements Backend<S> {
  readonly config: SessionConfig;
  readonly eager: EagerRunner;
  /** Sessions of compiled graphs. */
  readonly graphs: GraphCache;

  constructor(name: string, config: SessionConfig) {
    super(name);
    this.config = config;
    this.eager = new EagerRunner(config);
    this.graphs = new GraphCache(
      config,
      (g) => new Session(g.model, g.inputs, g.outputs, config, g),
      config.worker ? () => new RemoteRuntime(config) : null,
    );
  }

  protected override get sequentialScatter(): boolean {
    return this.config.threads === 1 && this.config.providers[0] === 'cpu';
  }

  /** Runs (or, while tracing, records) one kernel call. */
  protected override call(call: KernelCall, ins: readonly KT[]): S[] {
    if (this.sink) return this.sink.emit(call, ins);
    const outs = this.eager.run(call, ins);
    return outs.map((o) => OnnxStorage.host(o.data, o.shape));
  }

  readSync(x: KT): TypedArray {
    // a snapshot: the caller may modify it
    return readOn(this, x).slice();
  }

  threads(): number {
    return this.config.threads > 0 ? this.config.threads : availableParallelism();
  }
}
