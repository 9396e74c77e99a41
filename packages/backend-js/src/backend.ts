import type {
  AdamHyper,
  Backend,
  DType,
  KernelTensor,
  RmspropHyper,
  RnnActivation,
  SgdHyper,
  Shape,
  TypedArray,
} from '@rnnkit/core';
import { matmul } from '@rnnkit/core/gemm';
import { BinOp, binary } from './kernels/binary.js';
import { gather, scatterAdd } from './kernels/embedding.js';
import { fexp } from './kernels/fastmath.js';
import { gruCell, gruCellBackward } from './kernels/gru-cell.js';
import { concat, slice, transposeNd } from './kernels/layout.js';
import { lstmCell, lstmCellBackward } from './kernels/lstm-cell.js';
import { adam, rmsprop, sgd } from './kernels/optim.js';
import { argmaxRows, reduce } from './kernels/reduce.js';
import { rnnCell, rnnCellBackward } from './kernels/rnn-cell.js';
import { crossEntropy, crossEntropyGrad, softmaxRows } from './kernels/softmax.js';
import {
  affine,
  map,
  reluGrad,
  sigmoidGrad,
  sigmoidInto,
  tanhGrad,
  tanhInto,
} from './kernels/unary.js';

type S = TypedArray;
type KT = KernelTensor<S>;

const f32 = (t: KT) => t.storage as Float32Array;

/** m, k, n of op(a)·op(b) (core has validated the shapes). */
function gemmDims(a: KT, b: KT, transA: boolean, transB: boolean): [number, number, number] {
  return [
    transA ? a.shape[1] : a.shape[0],
    transA ? a.shape[0] : a.shape[1],
    transB ? b.shape[0] : b.shape[1],
  ];
}
const i32 = (t: KT) => t.storage as Int32Array;

/**
 * The reference backend: plain TypeScript on Float32Array, no native code, no dependencies.
 * Storage is the typed array itself; readback is synchronous.
 */
export class JsBackend implements Backend<S> {
  readonly name = 'js';

  upload(values: TypedArray): S {
    return values;
  }
  async read(x: KT): Promise<TypedArray> {
    return x.storage.slice();
  }
  readSync(x: KT): TypedArray {
    return x.storage.slice();
  }
  dispose(): void {}
  fill(shape: Shape, value: number, dtype: DType): S {
    let n = 1;
    for (const d of shape) n *= d;
    const out = dtype === 'int32' ? new Int32Array(n) : new Float32Array(n);
    if (value !== 0) out.fill(value);
    return out;
  }
  copy(x: KT): S {
    return x.storage.slice();
  }

  matmul(a: KT, b: KT, transA: boolean, transB: boolean): S {
    const [m, k, n] = gemmDims(a, b, transA, transB);
    return matmul(f32(a), f32(b), m, k, n, transA, transB, new Float32Array(m * n));
  }

  add(a: KT, b: KT, s: Shape): S {
    return binary(BinOp.Add, f32(a), a.shape, f32(b), b.shape, s);
  }
  sub(a: KT, b: KT, s: Shape): S {
    return binary(BinOp.Sub, f32(a), a.shape, f32(b), b.shape, s);
  }
  mul(a: KT, b: KT, s: Shape): S {
    return binary(BinOp.Mul, f32(a), a.shape, f32(b), b.shape, s);
  }
  div(a: KT, b: KT, s: Shape): S {
    return binary(BinOp.Div, f32(a), a.shape, f32(b), b.shape, s);
  }
  maximum(a: KT, b: KT, s: Shape): S {
    return binary(BinOp.Max, f32(a), a.shape, f32(b), b.shape, s);
  }

  neg(x: KT): S {
    return affine(f32(x), -1, 0);
  }
  exp(x: KT): S {
    return map(f32(x), fexp);
  }
  log(x: KT): S {
    return map(f32(x), Math.log);
  }
  sqrt(x: KT): S {
    return map(f32(x), Math.sqrt);
  }
  abs(x: KT): S {
    return map(f32(x), Math.abs);
  }
  tanh(x: KT): S {
    return tanhInto(f32(x), new Float32Array(x.size));
  }
  sigmoid(x: KT): S {
    return sigmoidInto(f32(x), new Float32Array(x.size));
  }
  relu(x: KT): S {
    return map(f32(x), (v) => (v > 0 ? v : 0));
  }
  affine(x: KT, a: number, b: number): S {
    return affine(f32(x), a, b);
  }
  powScalar(x: KT, p: number): S {
    return map(f32(x), (v) => v ** p);
  }
  clip(x: KT, lo: number, hi: number): S {
    return map(f32(x), (v) => (v < lo ? lo : v > hi ? hi : v));
  }
  step(x: KT): S {
    return map(f32(x), (v) => (v > 0 ? 1 : 0));
  }

  tanhGrad(y: KT, dy: KT): S {
    return tanhGrad(f32(y), f32(dy));
  }
  sigmoidGrad(y: KT, dy: KT): S {
    return sigmoidGrad(f32(y), f32(dy));
  }
  reluGrad(x: KT, dy: KT): S {
    return reluGrad(f32(x), f32(dy));
  }

  sum(x: KT, axes: readonly number[]): S {
    return reduce(f32(x), x.shape, axes, 0);
  }
  max(x: KT, axes: readonly number[]): S {
    return reduce(f32(x), x.shape, axes, 1);
  }
  argmax(x: KT): S {
    return argmaxRows(f32(x), x.shape[0], x.shape[1]);
  }

  reshape(x: KT): S {
    return x.storage;
  }
  transpose(x: KT, perm: readonly number[]): S {
    return transposeNd(x.storage, x.shape, perm);
  }
  concat(xs: readonly KT[], axis: number, outShape: Shape): S {
    return concat(
      xs.map((x) => ({ data: x.storage, shape: x.shape })),
      axis,
      outShape,
    );
  }
  slice(x: KT, begin: readonly number[], size: readonly number[]): S {
    return slice(x.storage, x.shape, begin, size);
  }

  gather(table: KT, indices: KT): S {
    return gather(f32(table), table.shape[0], table.shape[1], i32(indices));
  }
  scatterAdd(indices: KT, updates: KT, numRows: number): S {
    return scatterAdd(i32(indices), f32(updates), updates.shape[1], numRows);
  }

  softmax(x: KT): S {
    return softmaxRows(f32(x), x.shape[0], x.shape[1], false);
  }
  logSoftmax(x: KT): S {
    return softmaxRows(f32(x), x.shape[0], x.shape[1], true);
  }
  softmaxCrossEntropy(logits: KT, labels: KT): S {
    return crossEntropy(f32(logits), logits.shape[0], logits.shape[1], i32(labels));
  }
  softmaxCrossEntropyGrad(logits: KT, labels: KT, dloss: KT): S {
    return crossEntropyGrad(f32(logits), logits.shape[0], logits.shape[1], i32(labels), f32(dloss));
  }

  sgdUpdate(p: KT, g: KT, buf: KT | null, h: SgdHyper): { param: S; buf: S | null } {
    sgd(f32(p), f32(g), buf ? f32(buf) : null, h);
    return { param: p.storage, buf: buf ? buf.storage : null };
  }
  rnnCell(xp: KT, h: KT, w: KT, act: RnnActivation): S {
    return rnnCell(f32(xp), f32(h), f32(w), h.shape[0], h.shape[1], act);
  }
  rnnCellBackward(y: KT, dy: KT, act: RnnActivation): S {
    return rnnCellBackward(f32(y), f32(dy), act);
  }

  addmm(c: KT, a: KT, b: KT, transA: boolean, transB: boolean): S {
    const [m, k, n] = gemmDims(a, b, transA, transB);
    const out = new Float32Array(m * n);
    const cs = f32(c);
    if (c.shape.length === 1) for (let i = 0; i < m; i++) out.set(cs, i * n);
    else out.set(cs);
    return matmul(f32(a), f32(b), m, k, n, transA, transB, out, true);
  }

  addInPlace(acc: KT, x: KT): S {
    const a = f32(acc);
    const b = f32(x);
    for (let i = 0; i < a.length; i++) a[i] += b[i];
    return a;
  }

  adamUpdate(p: KT, g: KT, m: KT, v: KT, h: AdamHyper): { param: S; m: S; v: S } {
    adam(f32(p), f32(g), f32(m), f32(v), h);
    return { param: p.storage, m: m.storage, v: v.storage };
  }
  rmspropUpdate(
    p: KT,
    g: KT,
    sq: KT,
    buf: KT | null,
    h: RmspropHyper,
  ): { param: S; sq: S; buf: S | null } {
    rmsprop(f32(p), f32(g), f32(sq), buf ? f32(buf) : null, h);
    return { param: p.storage, sq: sq.storage, buf: buf ? buf.storage : null };
  }

  lstmCell(gates: KT, c: KT, p: KT | null): { h: S; c: S; act: S } {
    return lstmCell(f32(gates), f32(c), p ? f32(p) : null, c.shape[0], c.shape[1]);
  }
  lstmCellBackward(
    act: KT,
    cPrev: KT,
    cNew: KT,
    p: KT | null,
    dh: KT,
    dc: KT,
  ): { dGates: S; dcPrev: S; dp: S | null } {
    const [B, H] = cPrev.shape;
    return lstmCellBackward(
      f32(act),
      f32(cPrev),
      f32(cNew),
      p ? f32(p) : null,
      f32(dh),
      f32(dc),
      B,
      H,
    );
  }
  gruCell(xg: KT, hg: KT, h: KT): { h: S; act: S } {
    return gruCell(f32(xg), f32(hg), f32(h), h.shape[0], h.shape[1]);
  }
  gruCellBackward(act: KT, hg: KT, h: KT, dh: KT): { dxg: S; dhg: S; dh: S } {
    return gruCellBackward(f32(act), f32(hg), f32(h), f32(dh), h.shape[0], h.shape[1]);
  }

  threads(): number {
    return 1;
  }
}
