import { fmtShape, ShapeError } from '../errors.js';
import { broadcastShapes, normAxis } from '../shape.js';
import { record } from '../tape.js';
import type { Tensor } from '../tensor.js';
import { affine, mul } from './elementwise.js';
import { reshape } from './layout.js';
import { assertFloat, wrap } from './util.js';

function axesOf(op: string, x: Tensor, axis?: number | readonly number[]): number[] {
  if (axis === undefined) return x.shape.map((_, i) => i);
  const list = typeof axis === 'number' ? [axis] : axis;
  return [...new Set(list.map((a) => normAxis(op, a, x.rank)))].sort((a, b) => a - b);
}

function keptShape(x: Tensor, axes: number[]): number[] {
  return x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

/** Sum over `axis` (all axes when omitted); `keepDims` keeps reduced axes as size 1. */
export function sum(x: Tensor, axis?: number | readonly number[], keepDims = false): Tensor {
  assertFloat('sum', x);
  const axes = axesOf('sum', x, axis);
  const outShape = x.shape.filter((_, i) => !axes.includes(i));
  const y0 = wrap(x.backend, x.backend.sum(x, axes), outShape);
  record([x], [y0], ([dy]) => [broadcastTo(reshape(dy, keptShape(x, axes)), x.shape)]);
  return keepDims ? reshape(y0, keptShape(x, axes)) : y0;
}

/** Mean over `axis` (all axes when omitted). */
export function mean(x: Tensor, axis?: number | readonly number[], keepDims = false): Tensor {
  const axes = axesOf('mean', x, axis);
  let n = 1;
  for (const a of axes) n *= x.shape[a];
  return affine(sum(x, axes, keepDims), 1 / n, 0);
}

/** Maximum over `axis`. Its gradient flows to every position equal to the maximum. */
export function max(x: Tensor, axis?: number | readonly number[], keepDims = false): Tensor {
  assertFloat('max', x);
  const axes = axesOf('max', x, axis);
  const outShape = x.shape.filter((_, i) => !axes.includes(i));
  const y0 = wrap(x.backend, x.backend.max(x, axes), outShape);
  record([x], [y0], ([dy]) => {
    const b = x.backend;
    const ym = reshape(y0, keptShape(x, axes));
    // mask = 1 − step(max − x): 1 exactly where x equals the maximum.
    const gap = wrap(b, b.sub(ym, x, x.shape), x.shape);
    const mask = wrap(b, b.affine(wrap(b, b.step(gap), x.shape), -1, 1), x.shape);
    return [mul(mask, reshape(dy, keptShape(x, axes)))];
  });
  return keepDims ? reshape(y0, keptShape(x, axes)) : y0;
}

/**
 * The index of the largest value along the last axis (the first one on ties), as int32 [...]:
 * torch.argmax(x, -1). Not differentiable: its result carries no gradient.
 */
export function argmax(x: Tensor): Tensor {
  assertFloat('argmax', x);
  if (x.rank < 1 || x.shape[x.rank - 1] === 0)
    throw new ShapeError(`argmax: needs a non-empty last axis, got ${fmtShape(x.shape)}`);
  const x2 = x.rank === 2 ? x : reshape(x, [-1, x.shape[x.rank - 1]]);
  const y = wrap(x.backend, x.backend.argmax(x2), [x2.shape[0]], 'int32');
  return x.rank === 2 ? y : reshape(y, x.shape.slice(0, -1));
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
  if (dy.shape.length === shape.length && dy.shape.every((d, i) => d === shape[i])) return dy;
  const lead = dy.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < dy.rank; i++) {
    if (i < lead || (shape[i - lead] === 1 && dy.shape[i] !== 1)) axes.push(i);
  }
  const s = axes.length ? sum(dy, axes) : dy;
  return reshape(s, shape);
}
