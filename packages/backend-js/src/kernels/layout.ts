import type { Shape, TypedArray } from '@rnnkit/core';

function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

function like(x: TypedArray, n: number): TypedArray {
  return x instanceof Int32Array ? new Int32Array(n) : new Float32Array(n);
}

/** out[j][i] = x[i][j] for x of rows x cols, with `inner` contiguous elements per entry. */
function swap2(x: TypedArray, rows: number, cols: number, inner: number, out: TypedArray): void {
  if (inner === 1) {
    for (let i = 0; i < rows; i++) {
      let src = i * cols;
      for (let j = 0, dst = i; j < cols; j++, dst += rows) out[dst] = x[src++];
    }
    return;
  }
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const src = (i * cols + j) * inner;
      const dst = (j * rows + i) * inner;
      if (inner >= 256) out.set(x.subarray(src, src + inner), dst);
      else for (let q = 0; q < inner; q++) out[dst + q] = x[src + q];
    }
  }
}

/**
 * n-d transpose. Swapping two leading axes while keeping the rest (the [B,T,F]↔[T,B,F] of
 * every batch-first recurrent layer, and 2-D transposes) copies contiguous blocks; anything else
 * walks an odometer over the output.
 */
export function transposeNd(x: TypedArray, shape: Shape, perm: readonly number[]): TypedArray {
  const r = shape.length;
  const out = like(x, x.length);
  if (r >= 2 && perm[0] === 1 && perm[1] === 0 && perm.every((p, i) => i < 2 || p === i)) {
    swap2(x, shape[0], shape[1], x.length / Math.max(1, shape[0] * shape[1]), out);
    return out;
  }
  const inStrides = new Array<number>(r);
  let acc = 1;
  for (let i = r - 1; i >= 0; i--) {
    inStrides[i] = acc;
    acc *= shape[i];
  }
  const outShape = perm.map((p) => shape[p]);
  const stride = perm.map((p) => inStrides[p]);
  const counter = new Array<number>(r).fill(0);
  let src = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = x[src];
    for (let ax = r - 1; ax >= 0; ax--) {
      counter[ax]++;
      src += stride[ax];
      if (counter[ax] < outShape[ax]) break;
      src -= stride[ax] * counter[ax];
      counter[ax] = 0;
    }
  }
  return out;
}

/** Concatenation along `axis` by block copies. */
export function concat(
  xs: readonly { data: TypedArray; shape: Shape }[],
  axis: number,
  outShape: Shape,
): TypedArray {
  const out = like(xs[0].data, sizeOf(outShape));
  let outer = 1;
  for (let i = 0; i < axis; i++) outer *= outShape[i];
  const outBlock = out.length / Math.max(outer, 1);
  let off = 0;
  for (const { data } of xs) {
    const block = outer === 0 ? 0 : data.length / outer;
    for (let o = 0; o < outer; o++) {
      out.set(data.subarray(o * block, (o + 1) * block), o * outBlock + off);
    }
    off += block;
  }
  return out;
}

/** The block [begin, begin+size) of x, copied row by row of the innermost contiguous run. */
export function slice(
  x: TypedArray,
  shape: Shape,
  begin: readonly number[],
  size: readonly number[],
): TypedArray {
  const r = shape.length;
  const out = like(x, sizeOf(size));
  if (out.length === 0) return out;
  // Innermost axes that are taken whole form one contiguous run.
  let run = 1;
  let k = r - 1;
  while (k >= 0 && begin[k] === 0 && size[k] === shape[k]) {
    run *= shape[k];
    k--;
  }
  if (k < 0) {
    out.set(x);
    return out;
  }
  run *= size[k];
  const strides = new Array<number>(r);
  let acc = 1;
  for (let i = r - 1; i >= 0; i--) {
    strides[i] = acc;
    acc *= shape[i];
  }
  // Odometer over the axes before k (and k itself moves by whole runs).
  const counter = new Array<number>(k).fill(0);
  let src = 0;
  for (let i = 0; i <= k; i++) src += begin[i] * strides[i];
  const nRuns = out.length / run;
  for (let j = 0; j < nRuns; j++) {
    out.set(x.subarray(src, src + run), j * run);
    for (let ax = k - 1; ax >= 0; ax--) {
      counter[ax]++;
      src += strides[ax];
      if (counter[ax] < size[ax]) break;
      src -= strides[ax] * counter[ax];
      counter[ax] = 0;
    }
  }
  return out;
}
