import {
  div,
  logSoftmax,
  mul,
  RnnkitError,
  relu,
  sigmoid,
  softmax,
  sub,
  type Tensor,
  add as tAdd,
  tanh,
} from '@rnnkit/core';
import { toInts, toTensor } from '../graph-values.js';
import { normAxis } from '../host.js';
import type { Step } from '../import-recurrent.js';
import { DataType } from '../proto.js';
import type { OpContext, OpFamily } from './context.js';

const lastAxis =
  (fn: (x: Tensor) => Tensor) =>
  ({ n, who, f, set, num, opsetVersion }: OpContext): Step =>
  (env) => {
    const x = f(env, 0);
    const axis = normAxis(n.op_type, num('axis', opsetVersion >= 13 ? -1 : 1), x.rank);
    if (axis !== x.rank - 1)
      throw new RnnkitError(
        `${who}: only the last axis is supported, got axis ${axis} of rank ${x.rank}`,
      );
    set(env, fn(x));
  };

function cast({ be, get, set, num }: OpContext): Step {
  const to = num('to', DataType.FLOAT);
  const toFloat = to === DataType.FLOAT || to === DataType.DOUBLE || to === DataType.FLOAT16;
  return (env) => {
    const x = get(env, 0)!;
    if (toFloat) return set(env, toTensor(x, be));
    const v = toInts(x);
    const dtype = to === DataType.BOOL ? 'bool' : to === DataType.INT32 ? 'int32' : 'int64';
    set(env, {
      ...v,
      dtype,
      data: v.data.map((d) => (dtype === 'bool' ? Number(d !== 0) : Math.trunc(d))),
    });
  };
}

/** Operators applied value by value: pass-through, arithmetic, activations, Cast. */
export const elementwiseOps = {
  // Constant nodes are folded into the model's values at import; they never become a step.
  Constant: () => () => {},
  Identity:
    ({ get, set }) =>
    (env) =>
      set(env, get(env, 0)),
  Dropout: ({ n, who, get, set }) => {
    if (n.output[1]) throw new RnnkitError(`${who}: the Dropout mask output is not supported`);
    return (env) => set(env, get(env, 0));
  },
  Add: (c) => c.binary(tAdd, (a, b) => a + b),
  Sub: (c) => c.binary(sub, (a, b) => a - b),
  Mul: (c) => c.binary(mul, (a, b) => a * b),
  Div: (c) => c.binary(div, (a, b) => Math.trunc(a / b)),
  Relu: (c) => c.unary(relu),
  Tanh: (c) => c.unary(tanh),
  Sigmoid: (c) => c.unary(sigmoid),
  Softmax: lastAxis(softmax),
  LogSoftmax: lastAxis(logSoftmax),
  Cast: cast,
} satisfies OpFamily;
