import { fmtShape, ShapeError } from '../errors.js';
import { broadcastShapes, sameShape } from '../shape.js';
import { record } from '../tape.js';
import type { Tensor } from '../tensor.js';
import { reshape } from './layout.js';
import { assertFloat, axesOf, keptShape, wrap } from './util.js';

// Sum and broadcast are each other's gradient, and every broadcasting op's gradient sums back
// down (sumToShape), so they sit apart from the other reductions, which use elementwise ops:
// elementwise ops import this file and it imports none of them.

/** Sum over `axis` (all axes when omitted); `keepDims` keeps reduced axes as size 1. */
export function sum(x: Tensor, axis?: number | readonly number[], keepDims = false): Tensor {
  assertFloat('sum', x);
  const axes = axesOf('sum', x, axis);
  const outShape = x.shape.filter((_, i) => !axes.includes(i));
  const y0 = wrap(x.backend, x.backend.sum(x, axes), outShape);
  record([x], [y0], ([dy]) => [broadcastTo(reshape(dy, keptShape(x, axes)), x.shape)]);
  return keepDims ? reshape(y0, keptShape(x, axes)) : y0;
}

/** Broadcasts x to `shape` (a differentiable copy). */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  const target = broadcastShapes('broadcastTo', x.shape, shape);
  if (target.length !== shape.length || target.some((d, i) => d !== shape[i])) {
    throw new ShapeError(
      `broadcastTo: ${fmtShape(x.shape)} cannot be broadcast to ${fmtShape(shape)}`,
    );
  }
  const b = x.backend;
  const zero = wrap(b, b.fill(shape, 0, 'float32'), shape);
  const y = wrap(b, b.add(x, zero, shape), shape);
  zero.dispose();
  record([x], [y], ([dy]) => [sumToShape(dy, x.shape)]);
  return y;
}

/** Sums a broadcast result back down to `shape` (the adjoint of broadcasting). */
export function sumToShape(dy: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(dy.shape, shape)) return dy;
  const lead = dy.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < dy.rank; i++) {
    if (i < lead || (shape[i - lead] === 1 && dy.shape[i] !== 1)) axes.push(i);
  }
  const s = axes.length ? sum(dy, axes) : dy;
  return reshape(s, shape);
}
