import type {
  AdamHyper,
  DType,
  KernelTensor,
  RmspropHyper,
  RnnActivation,
  SgdHyper,
  Shape,
} from '@rnnkit/core';
import type { KernelCall, Lower } from './graph/emit.js';
import * as el from './lower/elementwise.js';
import * as emb from './lower/embedding.js';
import * as fused from './lower/fused.js';
import * as lay from './lower/layout.js';
import * as opt from './lower/optimizers.js';
import * as red from './lower/reduce.js';
import * as sm from './lower/softmax.js';
import * as un from './lower/unary.js';
import type { OnnxStorage } from './storage.js';

type S = OnnxStorage;
type KT = KernelTensor<S>;

/**
 * Every compute kernel of the backend, as a cache key (the kernel name and each attribute its
 * lowering bakes in) and a `Lower` from src/lower/, handed to `call`. Float hyperparameters go
 * in as runtime scalars. `OnnxBackend` supplies `call` (eager run or trace) and the storage.
 */
export abstract class OnnxKernels {
  /** Runs (or, while tracing, records) one kernel call. */
  protected abstract call(call: KernelCall, ins: readonly KT[]): S[];

  /** Whether scatter-adds may use ScatterND, exact only on one CPU thread (see lower/embedding). */
  protected get sequentialScatter(): boolean {
    return false;
  }

  /** Shorthand: a single-output kernel (float unless `dtype` says otherwise). */
  protected k1(
    key: string,
    ins: readonly KT[],
    lower: Lower,
    scalars: number[] = [],
    dtype: DType = 'float32',
  ): S {
    return this.call({ key, scalars, outDtypes: [dtype], lower }, ins)[0];
  }

  /** Shorthand: a float kernel with `n` outputs. */
  protected kn(
    key: string,
    ins: readonly KT[],
    n: number,
    lower: Lower,
    scalars: number[] = [],
  ): S[] {
    const outDtypes = new Array<DType>(n).fill('float32');
    return this.call({ key, scalars, outDtypes, lower }, ins);
  }

  copy(x: KT): S {
    return this.k1('copy', [x], un.unary('copy'), [], x.dtype);
  }

  // --- linear algebra ----------------------------------------------------------------------
  matmul(a: KT, b: KT, transA: boolean, transB: boolean): S {
    return this.k1(`matmul|${+transA}${+transB}`, [a, b], el.matmul(transA, transB));
  }
  addmm(c: KT, a: KT, b: KT, transA: boolean, transB: boolean): S {
    return this.k1(`addmm|${+transA}${+transB}`, [c, a, b], el.addmm(transA, transB));
  }

  // --- elementwise -----------------------------------------------------------------------------
  #bin(kind: el.BinaryKernel, a: KT, b: KT): S {
    return this.k1(kind, [a, b], el.binary(kind));
  }
  add(a: KT, b: KT): S {
    return this.#bin('add', a, b);
  }
  sub(a: KT, b: KT): S {
    return this.#bin('sub', a, b);
  }
  mul(a: KT, b: KT): S {
    return this.#bin('mul', a, b);
  }
  div(a: KT, b: KT): S {
    return this.#bin('div', a, b);
  }
  maximum(a: KT, b: KT): S {
    return this.#bin('maximum', a, b);
  }
  /** A new sum (ONNX Runtime outputs are fresh buffers; core swaps the storage). */
  addInPlace(acc: KT, x: KT): S {
    return this.#bin('add', acc, x);
  }

  #un(kind: un.UnaryKernel, x: KT): S {
    return this.k1(kind, [x], un.unary(kind));
  }
  neg(x: KT): S {
    return this.#un('neg', x);
  }
  exp(x: KT): S {
    return this.#un('exp', x);
  }
  log(x: KT): S {
    return this.#un('log', x);
  }
  sqrt(x: KT): S {
    return this.#un('sqrt', x);
  }
  abs(x: KT): S {
    return this.#un('abs', x);
  }
  tanh(x: KT): S {
    return this.#un('tanh', x);
  }
  sigmoid(x: KT): S {
    return this.#un('sigmoid', x);
  }
  relu(x: KT): S {
    return this.#un('relu', x);
  }
  affine(x: KT, a: number, b: number): S {
    return this.k1('affine', [x], un.affine, [a, b]);
  }
  powScalar(x: KT, p: number): S {
    return this.k1('pow', [x], un.powScalar, [p]);
  }
  clip(x: KT, lo: number, hi: number): S {
    return this.k1('clip', [x], un.clip, [lo, hi]);
  }
  step(x: KT): S {
    return this.k1('step', [x], un.step);
  }
  tanhGrad(y: KT, dy: KT): S {
    return this.k1('tanhGrad', [y, dy], un.tanhGrad);
  }
  sigmoidGrad(y: KT, dy: KT): S {
    return this.k1('sigmoidGrad', [y, dy], un.sigmoidGrad);
  }
  reluGrad(x: KT, dy: KT): S {
    return this.k1('reluGrad', [x, dy], un.reluGrad);
  }

  // --- reductions and layout ---------------------------------------------------------------
  sum(x: KT, axes: readonly number[]): S {
    return this.k1(`sum|${axes}`, [x], red.sum(axes));
  }
  max(x: KT, axes: readonly number[]): S {
    return this.k1(`max|${axes}`, [x], red.max(axes));
  }
  argmax(x: KT): S {
    return this.k1('argmax', [x], red.argmax, [], 'int32');
  }
  reshape(x: KT, shape: Shape): S {
    return this.k1(`reshape|${shape}`, [x], lay.reshape(shape), [], x.dtype);
  }
  transpose(x: KT, perm: readonly number[]): S {
    return this.k1(`transpose|${perm}`, [x], lay.transpose(perm), [], x.dtype);
  }
  concat(xs: readonly KT[], axis: number): S {
    return this.k1(`concat|${axis}|${xs.length}`, xs, lay.concat(axis), [], xs[0].dtype);
  }
  slice(x: KT, begin: readonly number[], size: readonly number[]): S {
    return this.k1(`slice|${begin}|${size}`, [x], lay.slice(begin, size), [], x.dtype);
  }

  // --- embeddings, softmax and losses --------------------------------------------------------
  gather(table: KT, indices: KT): S {
    return this.k1('gather', [table, indices], emb.gather);
  }
  scatterAdd(indices: KT, updates: KT, numRows: number): S {
    const mode = emb.scatterMode(numRows, indices.shape[0], this.sequentialScatter);
    return this.k1(
      `scatterAdd|${numRows}|${mode}`,
      [indices, updates],
      emb.scatterAdd(numRows, mode),
    );
  }
  softmax(logits: KT): S {
    return this.k1('softmax', [logits], sm.softmax);
  }
  logSoftmax(logits: KT): S {
    return this.k1('logSoftmax', [logits], sm.logSoftmax);
  }
  softmaxCrossEntropy(logits: KT, labels: KT): S {
    return this.k1('softmaxCrossEntropy', [logits, labels], sm.softmaxCrossEntropy);
  }
  softmaxCrossEntropyGrad(logits: KT, labels: KT, dloss: KT): S {
    return this.k1('softmaxCrossEntropyGrad', [logits, labels, dloss], sm.softmaxCrossEntropyGrad);
  }

  // --- optimizer updates (new storages; core replaces the tensors' storage) -----------------
  sgdUpdate(p: KT, g: KT, buf: KT | null, h: SgdHyper): { param: S; buf: S | null } {
    const useBuf = buf !== null && h.momentum !== 0;
    const key = `sgd|${+useBuf}${+h.nesterov}${+h.firstStep}`;
    const lower = opt.sgd(useBuf, h.nesterov, h.firstStep);
    const ins = useBuf ? [p, g, buf] : [p, g];
    const [param, nb] = this.kn(key, ins, useBuf ? 2 : 1, lower, opt.sgdScalars(h));
    return { param, buf: useBuf ? nb : buf ? buf.storage : null };
  }
  adamUpdate(p: KT, g: KT, m: KT, v: KT, h: AdamHyper): { param: S; m: S; v: S } {
    const decays = h.weightDecay !== 0;
    const [param, nm, nv] = this.kn(
      `adam|${+decays}`,
      [p, g, m, v],
      3,
      opt.adam(decays),
      opt.adamScalars(h),
    );
    return { param, m: nm, v: nv };
  }
  rmspropUpdate(
    p: KT,
    g: KT,
    sq: KT,
    buf: KT | null,
    h: RmspropHyper,
  ): { param: S; sq: S; buf: S | null } {
    const useBuf = buf !== null && h.momentum > 0;
    const ins = useBuf ? [p, g, sq, buf] : [p, g, sq];
    const outs = this.kn(
      `rmsprop|${+useBuf}`,
      ins,
      useBuf ? 3 : 2,
      opt.rmsprop(useBuf),
      opt.rmspropScalars(h),
    );
    return { param: outs[0], sq: outs[1], buf: useBuf ? outs[2] : buf ? buf.storage : null };
  }

  // --- fused recurrent steps -----------------------------------------------------------------
  lstmCell(gates: KT, c: KT, p: KT | null): { h: S; c: S; act: S } {
    const ins = p ? [gates, c, p] : [gates, c];
    const [h, cn, act] = this.kn(`lstmCell|${+!!p}`, ins, 3, fused.lstmCell(!!p));
    return { h, c: cn, act };
  }
  lstmCellBackward(
    act: KT,
    cPrev: KT,
    cNew: KT,
    p: KT | null,
    dh: KT,
    dc: KT,
  ): { dGates: S; dcPrev: S; dp: S | null } {
    const ins = [act, cPrev, cNew, dh, dc, ...(p ? [p] : [])];
    const outs = this.kn(`lstmCellBackward|${+!!p}`, ins, p ? 3 : 2, fused.lstmCellBackward(!!p));
    return { dGates: outs[0], dcPrev: outs[1], dp: p ? outs[2] : null };
  }
  gruCell(xg: KT, hg: KT, h: KT): { h: S; act: S } {
    const [hn, act] = this.kn('gruCell', [xg, hg, h], 2, fused.gruCell);
    return { h: hn, act };
  }
  gruCellBackward(act: KT, hg: KT, h: KT, dh: KT): { dxg: S; dhg: S; dh: S } {
    const [dxg, dhg, dhp] = this.kn('gruCellBackward', [act, hg, h, dh], 3, fused.gruCellBackward);
    return { dxg, dhg, dh: dhp };
  }
  rnnCell(xp: KT, h: KT, w: KT, act: RnnActivation): S {
    return this.k1(`rnnCell|${act}`, [xp, h, w], fused.rnnCell(act));
  }
  rnnCellBackward(y: KT, dy: KT, act: RnnActivation): S {
    return this.k1(`rnnCellBackward|${act}`, [y, dy], fused.rnnCellBackward(act));
  }
}
