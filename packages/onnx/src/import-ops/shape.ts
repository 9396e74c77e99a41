import { broadcastTo, concat, reshape, ShapeError, tensor, transpose } from '@rnnkit/core';
import { isInt, sliceTensor, toTensor } from '../graph-values.js';
import {
  broadcastShape,
  hostConcat,
  hostExpand,
  hostSlice,
  hostTranspose,
  type IntArray,
  intArray,
  normAxis,
  sizeOf,
  sliceRanges,
} from '../host.js';
import type { Step } from '../import-recurrent.js';
import { type HostArray, readTensor, type TensorProto } from '../proto.js';
import type { OpContext, OpFamily } from './context.js';

const transposeOp =
  ({ attrs, get, set }: OpContext): Step =>
  (env) => {
    const x = get(env, 0)!;
    const perm =
      (attrs.get('perm') as number[] | undefined) ?? x.shape.map((_, i) => x.shape.length - 1 - i);
    set(env, isInt(x) ? hostTranspose(x, perm) : transpose(x, perm));
  };

const reshapeOp =
  ({ who, attrs, get, ints, set, num }: OpContext): Step =>
  (env) => {
    const x = get(env, 0)!;
    const spec = ints(env, 1) ?? (attrs.get('shape') as number[]);
    const allowZero = num('allowzero', 0) === 1;
    const shape = spec.map((d, i) => (d === 0 && !allowZero ? x.shape[i] : d));
    const inf = shape.indexOf(-1);
    if (inf >= 0) {
      const rest = sizeOf(shape.filter((_, i) => i !== inf));
      shape[inf] = rest === 0 ? 0 : sizeOf(x.shape) / rest;
    }
    if (sizeOf(shape) !== sizeOf(x.shape))
      throw new ShapeError(
        `${who}: cannot reshape [${x.shape.join(', ')}] to [${spec.join(', ')}]`,
      );
    set(env, isInt(x) ? { ...x, shape } : reshape(x, shape));
  };

const squeeze =
  ({ get, set, axesOf }: OpContext): Step =>
  (env) => {
    const x = get(env, 0)!;
    const r = x.shape.length;
    const axes = axesOf(env)?.map((a) => normAxis('Squeeze', a, r));
    const shape = x.shape.filter((d, i) => (axes ? !axes.includes(i) : d !== 1));
    set(env, isInt(x) ? { ...x, shape } : reshape(x, shape));
  };

const unsqueeze =
  ({ get, set, axesOf }: OpContext): Step =>
  (env) => {
    const x = get(env, 0)!;
    const axes = axesOf(env) ?? [];
    const r = x.shape.length + axes.length;
    const at = new Set(axes.map((a) => normAxis('Unsqueeze', a, r)));
    const shape: number[] = [];
    let k = 0;
    for (let i = 0; i < r; i++) shape.push(at.has(i) ? 1 : x.shape[k++]);
    set(env, isInt(x) ? { ...x, shape } : reshape(x, shape));
  };

const concatOp =
  ({ n, be, get, set, num }: OpContext): Step =>
  (env) => {
    const xs = n.input.map((_, k) => get(env, k)!);
    const axis = num('axis', 0);
    if (xs.every(isInt)) set(env, hostConcat(xs as IntArray[], axis));
    else {
      const ts = xs.map((x) => toTensor(x, be));
      set(env, concat(ts, normAxis('Concat', axis, ts[0].rank)));
    }
  };

const slice =
  ({ attrs, get, ints, set }: OpContext): Step =>
  (env) => {
    const x = get(env, 0)!;
    const starts = ints(env, 1) ?? (attrs.get('starts') as number[]);
    const ends = ints(env, 2) ?? (attrs.get('ends') as number[]);
    const axes = ints(env, 3) ?? (attrs.get('axes') as number[] | undefined);
    const steps = ints(env, 4);
    const ranges = sliceRanges(x.shape, starts, ends, axes, steps);
    if (isInt(x)) set(env, hostSlice(x, ranges));
    else set(env, sliceTensor(x, ranges));
  };

const shapeOp =
  ({ get, set, num }: OpContext): Step =>
  (env) => {
    const x = get(env, 0)!;
    const r = x.shape.length;
    const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + r : v, 0), r);
    const s = x.shape.slice(clamp(num('start', 0)), clamp(num('end', r)));
    set(env, intArray([...s]));
  };

function constantOfShape({ be, attrs, ints, set }: OpContext): Step {
  const t = attrs.get('value') as TensorProto | undefined;
  const v: HostArray = t
    ? readTensor(t)
    : { dtype: 'float32', shape: [1], data: new Float32Array(1) };
  return (env) => {
    const shape = ints(env, 0)!;
    const value = v.data[0] ?? 0;
    if (v.dtype === 'float32')
      set(env, tensor(new Float32Array(sizeOf(shape)).fill(value), shape, 'float32', be));
    else set(env, intArray(new Array(sizeOf(shape)).fill(value), shape, v.dtype));
  };
}

const expand =
  ({ get, ints, set }: OpContext): Step =>
  (env) => {
    const x = get(env, 0)!;
    const shape = ints(env, 1)!;
    if (isInt(x)) return set(env, hostExpand(x, shape));
    set(env, broadcastTo(x, broadcastShape('Expand', x.shape, shape)));
  };

/** Operators that move, reshape or make shapes: layout and index plumbing between layers. */
export const shapeOps = {
  Transpose: transposeOp,
  Reshape: reshapeOp,
  Squeeze: squeeze,
  Unsqueeze: unsqueeze,
  Concat: concatOp,
  Slice: slice,
  Shape: shapeOp,
  ConstantOfShape: constantOfShape,
  Expand: expand,
} satisfies OpFamily;
