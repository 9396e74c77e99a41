import { fmtShape, ShapeError } from '../errors.js';
import { DeferredProduct } from '../grad-sum.js';
import { record } from '../tape.js';
import type { Tensor } from '../tensor.js';
import { add } from './elementwise.js';
import { reshape } from './layout.js';
import { sumToShape } from './sum-broadcast.js';
import { assertFloat, backendOf, wrap } from './util.js';

export interface MatmulOptions {
  transA?: boolean;
  transB?: boolean;
}

/** op(a)·op(b) for 2-D tensors; op transposes when transA/transB is set. */
export function matmul(a: Tensor, b: Tensor, opts: MatmulOptions = {}): Tensor {
  const transA = opts.transA ?? false;
  const transB = opts.transB ?? false;
  const be = backendOf('matmul', a, b);
  const [m, n] = matmulShape(a, b, transA, transB);
  const y = wrap(be, be.matmul(a, b, transA, transB), [m, n]);
  // Each gradient is one term op(x)·op(y); the tape batches the terms of a tensor used at many
  // time steps into one product (see DeferredProduct).
  record([a, b], [y], ([dy]) => [
    transA ? new DeferredProduct(b, dy, transB, true) : new DeferredProduct(dy, b, false, !transB),
    transB ? new DeferredProduct(dy, a, true, transA) : new DeferredProduct(a, dy, !transA, false),
  ]);
  return y;
}

/**
 * c + op(a)·op(b) (torch.addmm) with `c` [m, n] or a bias row [n]. One kernel on backends that
 * accumulate the product onto c; matmul then add otherwise.
 */
export function addmm(c: Tensor, a: Tensor, b: Tensor, opts: MatmulOptions = {}): Tensor {
  const be = backendOf('addmm', c, a, b);
  if (!be.addmm) return add(c, matmul(a, b, opts));
  const transA = opts.transA ?? false;
  const transB = opts.transB ?? false;
  const [m, n] = matmulShape(a, b, transA, transB);
  // c must be the product's shape or a bias row; anything else broadcasts through add.
  const okC =
    (c.rank === 2 && c.shape[0] === m && c.shape[1] === n) || (c.rank === 1 && c.shape[0] === n);
  if (!okC || c.dtype !== 'float32') return add(c, matmul(a, b, opts));
  const y = wrap(be, be.addmm(c, a, b, transA, transB), [m, n]);
  record([c, a, b], [y], ([dy]) => [
    sumToShape(dy, c.shape),
    transA ? new DeferredProduct(b, dy, transB, true) : new DeferredProduct(dy, b, false, !transB),
    transB ? new DeferredProduct(dy, a, true, transA) : new DeferredProduct(a, dy, !transA, false),
  ]);
  return y;
}

/**
 * PyTorch's `F.linear`: x·wᵀ (+ b) with w laid out [outFeatures, inFeatures].
 * x may have any leading dimensions.
 */
export function linear(x: Tensor, w: Tensor, b?: Tensor | null): Tensor {
  const inF = w.shape[1];
  if (x.shape[x.rank - 1] !== inF) {
    throw new ShapeError(
      `linear: input ${fmtShape(x.shape)} has ${x.shape[x.rank - 1]} features, weight ${fmtShape(w.shape)} expects ${inF}`,
    );
  }
  const lead = x.shape.slice(0, -1);
  const x2 = x.rank === 2 ? x : reshape(x, [-1, inF]);
  const y = b ? addmm(b, x2, w, { transB: true }) : matmul(x2, w, { transB: true });
  return x.rank === 2 ? y : reshape(y, [...lead, w.shape[0]]);
}

/** [m, n] of op(a)·op(b), after checking ranks, dtypes and the inner dimension. */
function matmulShape(a: Tensor, b: Tensor, transA: boolean, transB: boolean): [number, number] {
  assertFloat('matmul', a, b);
  if (a.rank !== 2 || b.rank !== 2) {
    throw new ShapeError(
      `matmul: expects 2-D tensors, got a ${fmtShape(a.shape)} and b ${fmtShape(b.shape)}`,
    );
  }
  const [m, ka] = transA ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
  const [kb, n] = transB ? [b.shape[1], b.shape[0]] : [b.shape[0], b.shape[1]];
  if (ka !== kb) {
    throw new ShapeError(
      `matmul: inner dimensions differ: a ${fmtShape(a.shape)} (transA=${transA}) gives k=${ka}, b ${fmtShape(b.shape)} (transB=${transB}) gives k=${kb}`,
    );
  }
  return [m, n];
}
