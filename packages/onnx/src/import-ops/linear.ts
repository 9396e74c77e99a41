import {
  matmul,
  mulScalar,
  RnnkitError,
  reshape,
  add as tAdd,
  tensor,
  gather as tGather,
} from '@rnnkit/core';
import { isInt, takeAlong, toInts } from '../graph-values.js';
import { hostGather, normAxis } from '../host.js';
import type { Step } from '../import-recurrent.js';
import type { OpContext, OpFamily } from './context.js';

const matMul =
  ({ who, f, set }: OpContext): Step =>
  (env) => {
    const a = f(env, 0);
    const b = f(env, 1);
    if (a.rank < 2 || b.rank !== 2)
      throw new RnnkitError(
        `${who}: supported for [..., K]·[K, N], got [${a.shape.join(', ')}]·[${b.shape.join(', ')}]`,
      );
    const K = a.shape[a.rank - 1];
    const y = matmul(a.rank === 2 ? a : reshape(a, [-1, K]), b);
    set(env, a.rank === 2 ? y : reshape(y, [...a.shape.slice(0, -1), b.shape[1]]));
  };

const gemm =
  ({ n, f, set, num }: OpContext): Step =>
  (env) => {
    let y = matmul(f(env, 0), f(env, 1), {
      transA: num('transA', 0) === 1,
      transB: num('transB', 0) === 1,
    });
    const alpha = num('alpha', 1);
    const beta = num('beta', 1);
    if (alpha !== 1) y = mulScalar(y, alpha);
    if (n.input[2]) {
      const c = f(env, 2);
      y = tAdd(y, beta === 1 ? c : mulScalar(c, beta));
    }
    set(env, y);
  };

const gather =
  ({ who, be, get, set, num }: OpContext): Step =>
  (env) => {
    const x = get(env, 0)!;
    const idx = toInts(get(env, 1)!);
    const axis = normAxis('Gather', num('axis', 0), x.shape.length);
    if (isInt(x)) return set(env, hostGather(x, idx, axis));
    const d = x.shape[axis];
    const flat = idx.data.map((i) => {
      const j = i < 0 ? i + d : i;
      if (j < 0 || j >= d)
        throw new RnnkitError(`${who}: index ${i} is out of range for axis ${axis} of size ${d}`);
      return j;
    });
    if (axis === 0 && x.rank === 2) {
      const it = tensor(Int32Array.from(flat), idx.shape, 'int32', be);
      return set(env, tGather(x, it));
    }
    const picked = takeAlong(x, axis, flat);
    const shape = [...x.shape.slice(0, axis), ...idx.shape, ...x.shape.slice(axis + 1)];
    set(env, reshape(picked, shape));
  };

/** Matrix products and embedding lookups: the operators that carry a model's weights. */
export const linearOps = {
  MatMul: matMul,
  Gemm: gemm,
  Gather: gather,
} satisfies OpFamily;
