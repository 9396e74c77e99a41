import type { Backend } from '../backend.js';
import type { DType, Shape } from '../dtype.js';
import { fmtShape, RnnkitError, ShapeError } from '../errors.js';
import { selectedBackend } from '../registry.js';
import { normAxis } from '../shape.js';
import { Tensor } from '../tensor.js';

/** Wraps kernel output storage in a Tensor on `backend`. */
export function wrap(
  backend: Backend,
  storage: unknown,
  shape: Shape,
  dtype: DType = 'float32',
): Tensor {
  return new Tensor(backend, storage, shape, dtype);
}

/** The backend shared by all inputs; mixing backends is an error that names the op. */
export function backendOf(op: string, ...xs: Tensor[]): Backend {
  const b = xs[0].backend;
  for (const x of xs) {
    if (x.backend !== b) {
      // the selected backend is where new tensors go, so most likely where the user wants to be
      const selected = selectedBackend();
      const to = selected === x.backend ? x.backend.name : b.name;
      throw new RnnkitError(
        `${op}: inputs live on different backends ('${b.name}' and '${x.backend.name}'); move them to one backend first: await model.to('${to}') moves a model's parameters and buffers (a model built before setBackend('${to}') stays on the backend it was built on), await tensor.moveTo('${to}') moves one tensor`,
      );
    }
  }
  return b;
}

export function assertFloat(op: string, ...xs: Tensor[]): void {
  for (const x of xs) {
    if (x.dtype !== 'float32') {
      throw new ShapeError(`${op}: expected a float32 tensor, got ${x.dtype} ${fmtShape(x.shape)}`);
    }
  }
}

/** The axes a reduction over `axis` covers, sorted (all axes when omitted). */
export function axesOf(op: string, x: Tensor, axis?: number | readonly number[]): number[] {
  if (axis === undefined) return x.shape.map((_, i) => i);
  const list = typeof axis === 'number' ? [axis] : axis;
  return [...new Set(list.map((a) => normAxis(op, a, x.rank)))].sort((a, b) => a - b);
}

/** x's shape with the reduced axes kept as size 1. */
export function keptShape(x: Tensor, axes: number[]): number[] {
  return x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
}
