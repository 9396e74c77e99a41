import { availableParallelism } from 'node:os';
import type { Backend, DType, KernelTensor, LoopSpec, Shape, TypedArray } from '@rnnkit/core';
import { DataType } from '@rnnkit/onnx/format';
import { compileOn, lowerScanOn, readOn, replayOn } from './compile.js';
import { EagerRunner } from './eager.js';
import type { KernelCall } from './graph/emit.js';
import { GraphCache } from './graph/graph-cache.js';
import { OnnxKernels } from './kernels.js';
import { RemoteRuntime } from './runtime/node/remote.js';
import type { SessionConfig, WorkerMode } from './runtime/node/runtime.js';
import type { OnnxWorkerStoppedError } from './runtime/node/worker-stopped.js';
import { hostDataAsync, OnnxStorage, releaseRemote } from './storage.js';
import type { KernelSink } from './trace/kernel-sink.js';

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
 * rnnkit kernels on ONNX Runtime. Outside `compile` every kernel runs as a cached one-kernel
 * session on host values; inside it, kernels add nodes to the traced graph instead. The kernels
 * (src/kernels.ts) are `Lower`s (src/lower/) handed to `call`, so both paths share one lowering;
 * this class adds the dispatch, host storage and the runtime.
 */
export class OnnxBackend extends OnnxKernels implements Backend<S> {
  readonly name: string;
  readonly config: SessionConfig;
  readonly eager: EagerRunner;
  /** Sessions of compiled graphs. */
  readonly graphs: GraphCache;
  /** Set while a compile() trace runs. */
  sink: KernelSink | null = null;

  constructor(name: string, config: SessionConfig) {
    super();
    this.name = name;
    this.config = config;
    this.eager = new EagerRunner(config);
    this.graphs = new GraphCache(config, config.worker ? () => new RemoteRuntime(config) : null);
  }

  /** core's `compile`: see compile.ts. */
  compile<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
    return compileOn(this, fn);
  }

  /** core's `scan` inside compile: an ONNX Scan node. */
  lowerScan(loop: LoopSpec<S>): S[] | null {
    return lowerScanOn(this, loop);
  }

  /** core's scan backward: the forward step's values instead of recomputing them. */
  replayScan<T>(key: object, fn: () => T): T {
    return replayOn(this, key, fn);
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

  // --- storage ---------------------------------------------------------------------------
  upload(values: TypedArray, shape: Shape): S {
    return OnnxStorage.host(values, shape);
  }
  async read(x: KT): Promise<TypedArray> {
    // a value in the worker: wait for it without blocking the event loop
    if (x.storage.remote && !this.sink) return (await hostDataAsync(x)).slice();
    return this.readSync(x);
  }
  readSync(x: KT): TypedArray {
    // a snapshot: the caller may modify it
    return readOn(this, x).slice();
  }
  dispose(storage: S): void {
    storage.disposed = true;
    releaseRemote(storage);
  }
  fill(shape: Shape, value: number, dtype: DType): S {
    if (this.sink) {
      // while tracing, a constant made in the graph (zeros for unused gradients, ones for seeds)
      // instead of a host array fed on every run
      const t = {
        name: 'value',
        dims: [1],
        data_type: dtype === 'int32' ? DataType.INT32 : DataType.FLOAT,
        ...(dtype === 'int32' ? { int32_data: [value] } : { float_data: [value] }),
      };
      return this.call(
        {
          key: `fill|${dtype}|${value}|${shape.join(',')}`,
          scalars: [],
          outDtypes: [dtype],
          lower: (e) => [e.g.op('ConstantOfShape', [e.ints(shape)], { value: t })],
        },
        [],
      )[0];
    }
    const n = shape.reduce((a, b) => a * b, 1);
    const out = dtype === 'int32' ? new Int32Array(n) : new Float32Array(n);
    if (value !== 0) out.fill(value);
    return OnnxStorage.host(out, shape);
  }

  /**
   * Why this backend can run no more compiled graphs (its ONNX Runtime worker thread stopped, or
   * it was disposed); null while it can. Compiled calls and reads of values the worker held throw
   * this error.
   */
  get failure(): OnnxWorkerStoppedError | null {
    return this.graphs.remote?.stopped ?? null;
  }

  threads(): number {
    return this.config.threads > 0 ? this.config.threads : availableParallelism();
  }
}
