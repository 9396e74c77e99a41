import type { Backend } from '../backend.js';
import { broadcastShapes } from '../shape.js';
import { record } from '../tape.js';
import type { Tensor } from '../tensor.js';
import { sumToShape } from './sum-broadcast.js';
import { assertFloat, backendOf, wrap } from './util.js';

type BinaryKernel = 'add' | 'sub' | 'mul' | 'div' | 'maximum';

function binary(op: BinaryKernel, a: Tensor, b: Tensor): { y: Tensor; be: Backend } {
  const be = backendOf(op, a, b);
  assertFloat(op, a, b);
  const shape = broadcastShapes(op, a.shape, b.shape);
  return { y: wrap(be, be[op](a, b, shape), shape), be };
}

/** a + b with broadcasting. */
export function add(a: Tensor, b: Tensor): Tensor {
  const { y } = binary('add', a, b);
  record([a, b], [y], ([dy]) => [sumToShape(dy, a.shape), sumToShape(dy, b.shape)]);
  return y;
}

/** a − b with broadcasting. */
export function sub(a: Tensor, b: Tensor): Tensor {
  const { y } = binary('sub', a, b);
  record([a, b], [y], ([dy]) => [sumToShape(dy, a.shape), sumToShape(neg(dy), b.shape)]);
  return y;
}

/** a · b elementwise with broadcasting. */
export function mul(a: Tensor, b: Tensor): Tensor {
  const { y } = binary('mul', a, b);
  record([a, b], [y], ([dy]) => [sumToShape(mul(dy, b), a.shape), sumToShape(mul(dy, a), b.shape)]);
  return y;
}

/** a / b elementwise with broadcasting. */
export function div(a: Tensor, b: Tensor): Tensor {
  const { y } = binary('div', a, b);
  record([a, b], [y], ([dy]) => {
    const da = div(dy, b);
    return [sumToShape(da, a.shape), sumToShape(neg(mul(da, y)), b.shape)];
  });
  return y;
}

/** Elementwise maximum; the gradient goes to a where a ≥ b, else to b. */
export function maximum(a: Tensor, b: Tensor): Tensor {
  const { y, be } = binary('maximum', a, b);
  record([a, b], [y], ([dy]) => {
    // mask = 1 where a >= b: 1 − step(b − a)
    const gap = wrap(be, be.sub(b, a, y.shape), y.shape);
    const mask = wrap(be, be.affine(wrap(be, be.step(gap), y.shape), -1, 1), y.shape);
    const da = mul(dy, mask);
    return [sumToShape(da, a.shape), sumToShape(sub(dy, da), b.shape)];
  });
  return y;
}

function unary(
  op: 'neg' | 'exp' | 'log' | 'sqrt' | 'abs' | 'tanh' | 'sigmoid' | 'relu' | 'step',
  x: Tensor,
): Tensor {
  assertFloat(op, x);
  return wrap(x.backend, x.backend[op](x), x.shape);
}

export function neg(x: Tensor): Tensor {
  const y = unary('neg', x);
  record([x], [y], ([dy]) => [neg(dy)]);
  return y;
}

export function exp(x: Tensor): Tensor {
  const y = unary('exp', x);
  record([x], [y], ([dy]) => [mul(dy, y)]);
  return y;
}

export function log(x: Tensor): Tensor {
  const y = unary('log', x);
  record([x], [y], ([dy]) => [div(dy, x)]);
  return y;
}

export function sqrt(x: Tensor): Tensor {
  const y = unary('sqrt', x);
  record([x], [y], ([dy]) => [div(affine(dy, 0.5, 0), y)]);
  return y;
}

export function abs(x: Tensor): Tensor {
  const y = unary('abs', x);
  record([x], [y], ([dy]) => {
    // sign(x) = step(x) − step(−x)
    const s = sub(unary('step', x), unary('step', neg(x)));
    return [mul(dy, s)];
  });
  return y;
}

export function tanh(x: Tensor): Tensor {
  const y = unary('tanh', x);
  record([x], [y], ([dy]) => [wrap(x.backend, x.backend.tanhGrad(y, dy), x.shape)]);
  return y;
}

export function sigmoid(x: Tensor): Tensor {
  const y = unary('sigmoid', x);
  record([x], [y], ([dy]) => [wrap(x.backend, x.backend.sigmoidGrad(y, dy), x.shape)]);
  return y;
}

export function relu(x: Tensor): Tensor {
  const y = unary('relu', x);
  record([x], [y], ([dy]) => [wrap(x.backend, x.backend.reluGrad(x, dy), x.shape)]);
  return y;
}

/** 1 where x > 0, else 0; not differentiable (its gradient is zero almost everywhere). */
export function step(x: Tensor): Tensor {
  return unary('step', x);
}

/** a·x + b for scalars a and b. */
export function affine(x: Tensor, a: number, b: number): Tensor {
  assertFloat('affine', x);
  const y = wrap(x.backend, x.backend.affine(x, a, b), x.shape);
  record([x], [y], ([dy]) => [affine(dy, a, 0)]);
  return y;
}

/** x · s for a scalar s. */
export function mulScalar(x: Tensor, s: number): Tensor {
  return affine(x, s, 0);
}

/** x + s for a scalar s. */
export function addScalar(x: Tensor, s: number): Tensor {
  return affine(x, 1, s);
}

/** x to the scalar power p. */
export function pow(x: Tensor, p: number): Tensor {
  assertFloat('pow', x);
  const y = wrap(x.backend, x.backend.powScalar(x, p), x.shape);
  record([x], [y], ([dy]) => {
    const d = wrap(x.backend, x.backend.powScalar(x, p - 1), x.shape);
    return [mul(dy, affine(d, p, 0))];
  });
  return y;
}

export function square(x: Tensor): Tensor {
  return mul(x, x);
}

/** Clamps to [lo, hi]; the gradient passes where lo < x < hi. */
export function clip(x: Tensor, lo: number, hi: number): Tensor {
  assertFloat('clip', x);
  const y = wrap(x.backend, x.backend.clip(x, lo, hi), x.shape);
  record([x], [y], ([dy]) => {
    const inside = mul(unary('step', affine(x, 1, -lo)), unary('step', affine(x, -1, hi)));
    return [mul(dy, inside)];
  });
  return y;
}
