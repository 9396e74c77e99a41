import type { Shape } from '@rnnkit/core';

/** Reduces `axes` (sorted, unique) of x; op 0 = sum, 1 = max. Result drops the axes. */
export function reduce(
  x: Float32Array,
  shape: Shape,
  axes: readonly number[],
  op: 0 | 1,
): Float32Array {
  const r = shape.length;
  const outShape = shape.filter((_, i) => !axes.includes(i));
  let outSize = 1;
  for (const d of outShape) outSize *= d;
  const out = new Float32Array(outSize);
  if (op === 1) out.fill(Number.NEGATIVE_INFINITY);
  if (x.length === 0) return out;
  // Fast path: the reduced axes form a contiguous prefix or suffix of the shape.
  const k = axes.length;
  const isPrefix = axes.every((a, i) => a === i);
  const isSuffix = axes.every((a, i) => a === r - k + i);
  if (isPrefix || isSuffix) {
    let inner = 1;
    for (let i = 0; i < r; i++) if (isPrefix ? i >= k : i < r - k) inner *= shape[i];
    const outer = x.length / inner;
    if (isPrefix && op === 0) {
      // out[j] = sum over rows of x viewed as [outer, inner], accumulated in float64
      const accs = new Float64Array(inner);
      for (let row = 0; row < outer; row++) {
        const off = row * inner;
        for (let j = 0; j < inner; j++) accs[j] += x[off + j];
      }
      out.set(accs);
    } else if (isPrefix) {
      for (let row = 0; row < outer; row++) {
        const off = row * inner;
        for (let j = 0; j < inner; j++) if (x[off + j] > out[j]) out[j] = x[off + j];
      }
    } else {
      // x viewed as [inner(kept), outer(reduced)]
      const m = outer;
      for (let row = 0; row < inner; row++) {
        const off = row * m;
        let acc = op === 0 ? 0 : Number.NEGATIVE_INFINITY;
        if (op === 0) for (let j = 0; j < m; j++) acc += x[off + j];
        else for (let j = 0; j < m; j++) if (x[off + j] > acc) acc = x[off + j];
        out[row] = acc;
      }
    }
    return out;
  }
  // General path: odometer over the input, output strides 0 on reduced axes.
  const oStride = new Array<number>(r).fill(0);
  let acc = 1;
  for (let i = r - 1; i >= 0; i--) {
    if (!axes.includes(i)) {
      oStride[i] = acc;
      acc *= shape[i];
    }
  }
  const counter = new Array<number>(r).fill(0);
  let o = 0;
  for (let i = 0; i < x.length; i++) {
    if (op === 0) out[o] += x[i];
    else if (x[i] > out[o]) out[o] = x[i];
    for (let ax = r - 1; ax >= 0; ax--) {
      counter[ax]++;
      o += oStride[ax];
      if (counter[ax] < shape[ax]) break;
      o -= oStride[ax] * counter[ax];
      counter[ax] = 0;
    }
  }
  return out;
}

/** Row-wise index of the largest value of [n, c] (the first one on ties). */
export function argmaxRows(x: Float32Array, n: number, c: number): Int32Array {
  const out = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    const o = r * c;
    let best = 0;
    for (let j = 1; j < c; j++) if (x[o + j] > x[o + best]) best = j;
    out[r] = best;
  }
  return out;
}
