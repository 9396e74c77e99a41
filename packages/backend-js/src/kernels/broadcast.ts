import type { Shape } from '@rnnkit/core';

/** Strides of `shape` aligned to `outShape` (right-aligned), 0 on broadcast axes. */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const r = outShape.length;
  const s = new Array<number>(r).fill(0);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const o = r - shape.length + i;
    s[o] = shape[i] === 1 && outShape[o] !== 1 ? 0 : acc;
    acc *= shape[i];
  }
  return s;
}

/**
 * For every element of `outShape` (row-major), the flat index into a tensor of `shape` that
 * broadcasts to it. Used by the general (slow) broadcasting path only.
 */
export function broadcastIndex(shape: Shape, outShape: Shape): Int32Array {
  const strides = broadcastStrides(shape, outShape);
  const r = outShape.length;
  let n = 1;
  for (const d of outShape) n *= d;
  const idx = new Int32Array(n);
  const counter = new Array<number>(r).fill(0);
  let cur = 0;
  for (let i = 0; i < n; i++) {
    idx[i] = cur;
    for (let ax = r - 1; ax >= 0; ax--) {
      counter[ax]++;
      cur += strides[ax];
      if (counter[ax] < outShape[ax]) break;
      cur -= strides[ax] * counter[ax];
      counter[ax] = 0;
    }
  }
  return idx;
}

/** True when `shape`, leading 1s dropped, equals the trailing dimensions of `outShape` (a bias [D] for [N, D]). */
export function isTrailing(shape: Shape, outShape: Shape): boolean {
  let start = 0;
  while (start < shape.length && shape[start] === 1) start++;
  const off = outShape.length - (shape.length - start);
  if (off < 0) return false;
  for (let i = start; i < shape.length; i++)
    if (shape[i] !== outShape[off + i - start]) return false;
  return true;
}
