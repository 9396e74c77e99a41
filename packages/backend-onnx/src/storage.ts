import {
  type DType,
  type KernelTensor,
  RnnkitError,
  type Shape,
  type TypedArray,
} from '@rnnkit/core';
import type { ValueRuntime } from './runtime/protocol.js';

/** A value pending in a graph that `compile` is tracing: the graph and the value's name in it. */
export interface SymRef {
  readonly graph: object;
  /** Empty for a replayed value not yet read (see Trace.replay): named when first used. */
  name: string;
}

/**
 * The storage of one rnnkit tensor on the ONNX Runtime backend: host values (ONNX Runtime's CPU
 * provider reads and writes plain typed arrays), or, while `compile` traces a function, a value
 * of the graph being built. When the traced graph runs, every pending value still held by a
 * tensor gets its host values in place, so tensors keep their storage object across a compiled
 * call (parameters and optimizer state are updated where they are).
 */
export class OnnxStorage {
  data: TypedArray | null;
  sym: SymRef | null;
  shape: Shape;
  readonly dtype: DType;
  disposed = false;
  /** Set by the tracer on a value replayed from a forward loop (opaque here). */
  residual?: unknown;
  /** A value a graph left in the worker (see runtime/protocol.ts); `data` caches it once read. */
  remote: { readonly rt: ValueRuntime; readonly id: number } | null = null;

  constructor(data: TypedArray | null, shape: Shape, dtype: DType, sym: SymRef | null = null) {
    this.data = data;
    this.shape = shape;
    this.dtype = dtype;
    this.sym = sym;
  }

  static host(data: TypedArray, shape: Shape): OnnxStorage {
    return new OnnxStorage(data, shape, data instanceof Int32Array ? 'int32' : 'float32');
  }
}

/**
 * The host values of a tensor on this backend; a value still pending in a compiled graph (one
 * that never ran because the compiled function threw, or one made inside a scan step) is an error.
 */
export function hostData(x: Pick<KernelTensor<OnnxStorage>, 'storage' | 'shape'>): TypedArray {
  const s = x.storage;
  if (s.data === null && s.remote) {
    const { rt, id } = s.remote;
    if (!rt.readSync) {
      throw new RnnkitError(
        `onnx backend: tensor [${x.shape.join(', ')}] is held by ONNX Runtime's worker and this backend cannot read synchronously (a browser thread may not block); use await tensor.data()`,
      );
    }
    s.data = rt.readSync(id).data;
  }
  const d = s.data;
  if (d === null) {
    throw new Error(
      `onnx backend: tensor [${x.shape.join(', ')}] belongs to a compiled graph that never ran (the compiled function threw, or the tensor was made inside a scan step); read it after the compiled call returns`,
    );
  }
  return d;
}

/** The host values of a tensor, waiting for the worker (without blocking) when it holds them. */
export async function hostDataAsync(x: KernelTensor<OnnxStorage>): Promise<TypedArray> {
  const s = x.storage;
  if (s.data === null && s.remote && !s.sym) s.data = (await s.remote.rt.read(s.remote.id)).data;
  return hostData(x);
}

/** Lets the worker drop a value this storage held (its host copy, if any, stays). */
export function releaseRemote(s: OnnxStorage): void {
  if (s.remote) s.remote.rt.free(s.remote.id);
  s.remote = null;
}

/**
 * Host values of at least this many bytes that a graph run in the worker reads move there: their
 * buffer is transferred with the run instead of copied, and the tensor holds the worker's value
 * from then on (as it does a graph's outputs). A copy would leave the host buffer to the calling
 * thread's garbage collector, which runs rarely once the work is in the worker: at hidden 1024 the
 * parameters and Adam's moments (57 MiB) stayed there, twice, for the whole run. Smaller values
 * stay on the host, where reading them costs no trip to the worker.
 */
export const MOVED_FEED_BYTES = 1 << 20;

/** Whether `data` may move to the worker: large enough, and the whole of a buffer of its own. */
export function movable(data: TypedArray): boolean {
  const buf = data.buffer;
  return (
    data.byteLength >= MOVED_FEED_BYTES &&
    data.byteOffset === 0 &&
    data.byteLength === buf.byteLength &&
    !(typeof SharedArrayBuffer !== 'undefined' && buf instanceof SharedArrayBuffer)
  );
}
