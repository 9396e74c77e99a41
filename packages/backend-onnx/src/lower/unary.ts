import type { Lower } from '../graph/emit.js';

/** ONNX unary operators, by rnnkit kernel name. */
export const UNARY = {
  neg: 'Neg',
  exp: 'Exp',
  log: 'Log',
  sqrt: 'Sqrt',
  abs: 'Abs',
  tanh: 'Tanh',
  sigmoid: 'Sigmoid',
  relu: 'Relu',
  copy: 'Identity',
} as const;
export type UnaryKernel = keyof typeof UNARY;

/** One ONNX unary operator. Key: the kernel name. */
export function unary(kind: UnaryKernel): Lower {
  const op = UNARY[kind];
  return (e, [x]) => {
    const y = e.g.op(op, [x.name]);
    if (kind !== 'log' || !e.lowering.logZero) return [y];
    // log(0) = −∞ where the runtime's Log clamps (see LoweringOptions)
    const zero = e.g.op('Equal', [x.name, e.constF(0)]);
    return [e.g.op('Where', [zero, e.constF(Number.NEGATIVE_INFINITY), y])];
  };
}

/** a·x + b; scalars [a, b]. */
export const affine: Lower = (e, [x], [a, b]) => [e.g.op('Add', [e.g.op('Mul', [x.name, a]), b])];

/** x ** p; scalars [p]. */
export const powScalar: Lower = (e, [x], [p]) => {
  const y = e.g.op('Pow', [x.name, p]);
  if (!e.lowering.exactPow) return [y];
  // p = 0.5 and p = −1 exactly, where the runtime's Pow is inexact (see LoweringOptions)
  const is = (v: number) => e.g.op('Equal', [p, e.constF(v)]);
  const inv = e.g.op('Where', [is(-1), e.g.op('Reciprocal', [x.name]), y]);
  return [e.g.op('Where', [is(0.5), e.g.op('Sqrt', [x.name]), inv])];
};

/** min(max(x, lo), hi); scalars [lo, hi] (Clip takes its bounds as inputs since opset 11). */
export const clip: Lower = (e, [x], [lo, hi]) => [e.g.op('Clip', [x.name, lo, hi])];

/** 1 where x > 0, else 0, as float. */
export const step: Lower = (e, [x]) => [
  e.g.op('Cast', [e.g.op('Greater', [x.name, e.constF(0)])], { to: 1 }),
];

/** dy·(1 − y²) from tanh's output y; inputs [y, dy]. */
export const tanhGrad: Lower = (e, [y, dy]) => [
  e.g.op('Mul', [dy.name, e.g.op('Sub', [e.constF(1), e.g.op('Mul', [y.name, y.name])])]),
];

/** dy·y·(1 − y) from sigmoid's output y; inputs [y, dy]. */
export const sigmoidGrad: Lower = (e, [y, dy]) => [
  e.g.op('Mul', [e.g.op('Mul', [dy.name, y.name]), e.g.op('Sub', [e.constF(1), y.name])]),
];

/** dy where x > 0, else 0; inputs [x, dy]. */
export const reluGrad: Lower = (e, [x, dy]) => [
  e.g.op('Where', [e.g.op('Greater', [x.name, e.constF(0)]), dy.name, e.constF(0)]),
];
