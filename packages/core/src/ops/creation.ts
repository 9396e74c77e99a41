import type { Backend } from '../backend.js';
import type { DType, Shape, TypedArray } from '../dtype.js';
import { fmtShape, ShapeError } from '../errors.js';
import { getBackend } from '../registry.js';
import { assertValidShape, sizeOf } from '../shape.js';
import { record } from '../tape.js';
import type { Tensor } from '../tensor.js';
import { wrap } from './util.js';

type Nested = number | readonly Nested[];

function flatten(values: Nested, out: number[], shape: number[], depth: number): void {
  if (typeof values === 'number') {
    out.push(values);
    return;
  }
  if (shape.length <= depth) shape.push(values.length);
  else if (shape[depth] !== values.length) {
    throw new ShapeError(
      `tensor: ragged nested array at depth ${depth} (${values.length} vs ${shape[depth]})`,
    );
  }
  for (const v of values) flatten(v, out, shape, depth + 1);
}

/**
 * Creates a tensor from a typed array, a flat array with `shape`, or a nested array.
 * `backend` defaults to the current backend.
 */
export function tensor(
  values: TypedArray | Nested,
  shape?: Shape,
  dtype?: DType,
  backend: Backend = getBackend(),
): Tensor {
  let flat: TypedArray;
  let inferred: number[] = [];
  const dt: DType = dtype ?? (values instanceof Int32Array ? 'int32' : 'float32');
  if (values instanceof Float32Array || values instanceof Int32Array) {
    flat =
      values.constructor === (dt === 'int32' ? Int32Array : Float32Array)
        ? values.slice()
        : toTyped(Array.from(values), dt);
    inferred = [values.length];
  } else {
    const out: number[] = [];
    flatten(values, out, inferred, 0);
    if (typeof values === 'number') inferred = [];
    flat = toTyped(out, dt);
  }
  const s = shape ?? inferred;
  assertValidShape('tensor', s);
  if (sizeOf(s) !== flat.length) {
    throw new ShapeError(
      `tensor: ${flat.length} values do not fill shape ${fmtShape(s)} (${sizeOf(s)} elements)`,
    );
  }
  return wrap(backend, backend.upload(flat, s, dt), s, dt);
}

function toTyped(values: number[], dtype: DType): TypedArray {
  return dtype === 'int32' ? Int32Array.from(values) : Float32Array.from(values);
}

export function scalar(value: number, backend: Backend = getBackend()): Tensor {
  return full([], value, 'float32', backend);
}

export function full(
  shape: Shape,
  value: number,
  dtype: DType = 'float32',
  backend: Backend = getBackend(),
): Tensor {
  assertValidShape('full', shape);
  return wrap(backend, backend.fill(shape, value, dtype), shape, dtype);
}

export function zeros(
  shape: Shape,
  dtype: DType = 'float32',
  backend: Backend = getBackend(),
): Tensor {
  return full(shape, 0, dtype, backend);
}

export function ones(
  shape: Shape,
  dtype: DType = 'float32',
  backend: Backend = getBackend(),
): Tensor {
  return full(shape, 1, dtype, backend);
}

export function zerosLike(x: Tensor): Tensor {
  return full(x.shape, 0, x.dtype, x.backend);
}

export function onesLike(x: Tensor): Tensor {
  return full(x.shape, 1, x.dtype, x.backend);
}

/** A copy with its own storage (torch.clone); the gradient passes straight through. */
export function clone(x: Tensor): Tensor {
  const y = wrap(x.backend, x.backend.copy(x), x.shape, x.dtype);
  record([x], [y], ([dy]) => [dy]);
  return y;
}
