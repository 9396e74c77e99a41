import { fmtShape, ShapeError } from '../errors.js';
import { record } from '../tape.js';
import type { Tensor } from '../tensor.js';
import { affine, mul } from './elementwise.js';
import { reshape } from './layout.js';
import { sum } from './sum-broadcast.js';
import { assertFloat, axesOf, keptShape, wrap } from './util.js';

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
