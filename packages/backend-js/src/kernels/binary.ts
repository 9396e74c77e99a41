import type { Shape } from '@rnnkit/core';
import { broadcastIndex, isTrailing } from './broadcast.js';

/** Binary op codes (plain numbers keep the switch in the hot loops cheap). */
export const BinOp = { Add: 0, Sub: 1, Mul: 2, Div: 3, Max: 4 } as const;
export type BinOp = (typeof BinOp)[keyof typeof BinOp];

function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** out[i] = a[i] op b[i] over equal-length arrays. */
function same(op: BinOp, a: Float32Array, b: Float32Array, out: Float32Array): void {
  const n = out.length;
  switch (op) {
    case BinOp.Add:
      for (let i = 0; i < n; i++) out[i] = a[i] + b[i];
      break;
    case BinOp.Sub:
      for (let i = 0; i < n; i++) out[i] = a[i] - b[i];
      break;
    case BinOp.Mul:
      for (let i = 0; i < n; i++) out[i] = a[i] * b[i];
      break;
    case BinOp.Div:
      for (let i = 0; i < n; i++) out[i] = a[i] / b[i];
      break;
    case BinOp.Max:
      for (let i = 0; i < n; i++) out[i] = a[i] > b[i] ? a[i] : b[i];
      break;
  }
}

/** out = a op b where b (length m) repeats along a (length n, a multiple of m); b op a when flip. */
function repeatB(
  op: BinOp,
  a: Float32Array,
  b: Float32Array,
  out: Float32Array,
  flip: boolean,
): void {
  const n = out.length;
  const m = b.length;
  // Plain index loops: a subarray per row would allocate n/m views per call.
  switch (op) {
    case BinOp.Add:
      for (let off = 0; off < n; off += m)
        for (let j = 0; j < m; j++) out[off + j] = a[off + j] + b[j];
      break;
    case BinOp.Mul:
      for (let off = 0; off < n; off += m)
        for (let j = 0; j < m; j++) out[off + j] = a[off + j] * b[j];
      break;
    case BinOp.Sub:
      if (flip)
        for (let off = 0; off < n; off += m)
          for (let j = 0; j < m; j++) out[off + j] = b[j] - a[off + j];
      else
        for (let off = 0; off < n; off += m)
          for (let j = 0; j < m; j++) out[off + j] = a[off + j] - b[j];
      break;
    case BinOp.Div:
      if (flip)
        for (let off = 0; off < n; off += m)
          for (let j = 0; j < m; j++) out[off + j] = b[j] / a[off + j];
      else
        for (let off = 0; off < n; off += m)
          for (let j = 0; j < m; j++) out[off + j] = a[off + j] / b[j];
      break;
    case BinOp.Max:
      // Same operand order as `same` so NaN handling does not depend on the fast path taken.
      for (let off = 0; off < n; off += m)
        for (let j = 0; j < m; j++) {
          const x = flip ? b[j] : a[off + j];
          const y = flip ? a[off + j] : b[j];
          out[off + j] = x > y ? x : y;
        }
      break;
  }
}

/** out = a op s (or s op a when flip) for a scalar s. */
function withScalar(op: BinOp, a: Float32Array, s: number, out: Float32Array, flip: boolean): void {
  const n = out.length;
  switch (op) {
    case BinOp.Add:
      for (let i = 0; i < n; i++) out[i] = a[i] + s;
      break;
    case BinOp.Sub:
      if (flip) for (let i = 0; i < n; i++) out[i] = s - a[i];
      else for (let i = 0; i < n; i++) out[i] = a[i] - s;
      break;
    case BinOp.Mul:
      for (let i = 0; i < n; i++) out[i] = a[i] * s;
      break;
    case BinOp.Div:
      if (flip) for (let i = 0; i < n; i++) out[i] = s / a[i];
      else for (let i = 0; i < n; i++) out[i] = a[i] / s;
      break;
    case BinOp.Max:
      for (let i = 0; i < n; i++) out[i] = a[i] > s ? a[i] : s;
      break;
  }
}

/** Broadcasting binary op with fast paths for equal shapes, scalars and trailing (bias-like) operands. */
export function binary(
  op: BinOp,
  a: Float32Array,
  aShape: Shape,
  b: Float32Array,
  bShape: Shape,
  outShape: Shape,
): Float32Array {
  const n = sizeOf(outShape);
  const out = new Float32Array(n);
  if (a.length === n && b.length === n) same(op, a, b, out);
  else if (b.length === 1 && a.length === n) withScalar(op, a, b[0], out, false);
  else if (a.length === 1 && b.length === n) withScalar(op, b, a[0], out, true);
  else if (a.length === n && isTrailing(bShape, outShape)) repeatB(op, a, b, out, false);
  else if (b.length === n && isTrailing(aShape, outShape)) repeatB(op, b, a, out, true);
  else {
    const ia = broadcastIndex(aShape, outShape);
    const ib = broadcastIndex(bShape, outShape);
    const ga = new Float32Array(n);
    const gb = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      ga[i] = a[ia[i]];
      gb[i] = b[ib[i]];
    }
    same(op, ga, gb, out);
  }
  return out;
}
