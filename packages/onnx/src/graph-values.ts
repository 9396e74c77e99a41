import { type Backend, concat, slice, type Tensor, tensor } from '@rnnkit/core';
import { type IntArray, intArray, type sliceRanges } from './host.js';
import { readInts } from './int-reads.js';

/** A value flowing through the graph: float tensors live on the backend, integers on the host. */
export type Val = Tensor | IntArray;

export const isInt = (v: Val): v is IntArray => (v as IntArray).kind === 'int';

/** A graph value as a float tensor on `be`. */
export function toTensor(v: Val, be: Backend): Tensor {
  if (!isInt(v)) return v;
  return tensor(Float32Array.from(v.data), v.shape, 'float32', be);
}

/**
 * A graph value as host integers (float tensors are read back, by the running pass's reader, and
 * truncated).
 */
export function toInts(v: Val): IntArray {
  if (isInt(v)) return v;
  const d = readInts(v);
  return intArray(
    Array.from(d, (x) => Math.trunc(x)),
    [...v.shape],
    'int64',
  );
}

/** Concatenation of the slices x[..., i, ...] along `axis` for each i in `indices`. */
export function takeAlong(x: Tensor, axis: number, indices: number[]): Tensor {
  const parts = indices.map((i) => {
    const begin = x.shape.map((_, a) => (a === axis ? i : 0));
    const size = x.shape.map((d, a) => (a === axis ? 1 : d));
    return slice(x, begin, size);
  });
  return parts.length === 1 ? parts[0] : concat(parts, axis);
}

/** A strided slice (ONNX Slice with steps) of a tensor. */
export function sliceTensor(x: Tensor, ranges: ReturnType<typeof sliceRanges>): Tensor {
  const begin = ranges.map((r) => (r.step === 1 ? r.start : 0));
  const size = ranges.map((r, a) => (r.step === 1 ? r.count : x.shape[a]));
  let y = slice(x, begin, size);
  ranges.forEach((r, a) => {
    if (r.step === 1) return;
    const idx = Array.from({ length: r.count }, (_, k) => r.start + k * r.step);
    y = takeAlong(y, a, idx);
  });
  return y;
}
