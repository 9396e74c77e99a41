import type { DType, KernelTensor, LoopSpec, Shape, TypedArray } from '@rnnkit/core';
import { DataType } from '@rnnkit/onnx/format';
import { compileOn, lowerScanOn, readOn, replayOn } from './compile.js';
import type { GraphCache } from './graph/graph-cache.js';
import { OnnxKernels } from './kernels.js';
import type { OnnxWorkerStoppedError } from './runtime/worker-stopped.js';
import { hostDataAsync, OnnxStorage, releaseRemote } from './storage.js';
import type { KernelSink } from './trace/kernel-sink.js';

type S = OnnxStorage;
type KT = KernelTensor<S>;

/**
 * What every ONNX Runtime backend shares, whatever runs its sessions (onnxruntime-node in Node,
 * onnxruntime-web in a browser): the kernels and their lowering (kernels.ts), `compile` with its
 * trace, passes and graph cache, host storage and asynchronous reads. A runtime's backend adds
 * how a kernel runs outside `compile` (`call`) and, where it can, synchronous reads.
 */
export abstract class OnnxBackendBase extends OnnxKernels {
  readonly name: string;
  /** Sessions of compiled graphs. */
  abstract readonly graphs: GraphCache;
  /** Set while a compile() trace runs. */
  sink: KernelSink | null = null;

  constructor(name: string) {
    super();
    this.name = name;
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

  // --- storage ---------------------------------------------------------------------------
  upload(values: TypedArray, shape: Shape): S {
    return OnnxStorage.host(values, shape);
  }
  async read(x: KT): Promise<TypedArray> {
    // a value in the worker: wait for it without blocking the event loop
    if (x.storage.remote && !this.sink) return (await hostDataAsync(x)).slice();
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
   * Why this backend can run no more graphs in its worker (the worker stopped, or the backend
   * was disposed); null while it can. Graph runs and reads of values the worker held throw this
   * error.
   */
  get failure(): OnnxWorkerStoppedError | null {
    return this.graphs.remote?.stopped ?? null;
  }

  /** The number of intra-op threads ONNX Runtime computes with. */
  abstract threads(): number;
}
