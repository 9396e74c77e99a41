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
import * as tf from '@tensorflow/tfjs-core';
import {
  type CellConsts,
  gruBackward,
  gruForward,
  lstmBackward,
  lstmForward,
} from './fused-cells.js';
import {
  hostAddmm,
  hostGatherRows,
  hostLstmCell,
  hostMatMul,
  hostOneHot,
  hostPick,
  hostSlice,
  hostStack,
  hostTanhGrad,
  hostTranspose,
  hostUnstack,
  registerHostKernels,
} from './host-kernels.js';

type S = tf.Tensor;

/** Largest LSTM state (batch × hidden) whose step tfjs-wasm runs as one host call. */
const HOST_LSTM_MAX = 1024;
type KT = KernelTensor<S>;

/** The tfjs backends this package drives, by rnnkit name. */
export type TfjsBackendName = 'tfjs-cpu' | 'tfjs-wasm' | 'tfjs-webgl';

/** The TensorFlow.js backend behind each rnnkit name. */
export const TF_BACKEND: Readonly<Record<TfjsBackendName, 'cpu' | 'wasm' | 'webgl'>> = {
  'tfjs-cpu': 'cpu',
  'tfjs-wasm': 'wasm',
  'tfjs-webgl': 'webgl',
};

/**
 * How `scatterAdd` (the embedding gradient) sums rows: tfjs's ScatterNd, which adds the updates
 * of repeated indices, or onehot(indices)ᵀ·updates as a matmul. tfjs's UnsortedSegmentSum is not
 * used: tfjs-wasm lacks it and tfjs-cpu's runs one masked pass per row (O(V·N·D), seconds for an
 * embedding gradient of one char-LM batch).
 */
export type ScatterMode = 'scatterNd' | 'oneHot';

export interface TfjsBackendOptions {
  /**
   * Use the fused LSTM/GRU step kernels (default true). They compute the same function as core's
   * composed cells with fewer tfjs ops per step; false leaves core to compose them.
   */
  fused?: boolean;
  /** Force one way of summing embedding gradients (default: ScatterNd where tfjs has it). */
  scatter?: ScatterMode;
}

const f = (t: KT) => t.storage;

function kernelExists(name: string, tfBackend: string): boolean {
  return tf.getKernel(name, tfBackend) !== undefined;
}

/**
 * rnnkit kernels on TensorFlow.js. Storage is one `tf.Tensor` per rnnkit tensor; every kernel
 * runs inside `tf.tidy`, so the only tfjs tensors that outlive a kernel are the ones it returns,
 * and `dispose` frees those. tfjs never writes into a tensor, so storages that share memory
 * (reshape, clone) are safe: tfjs reference-counts the data.
 *
 * tfjs has one global active backend. Each kernel switches it to this backend's tfjs backend
 * when another one is active, so `tfjs-cpu` and `tfjs-wasm` can live in one process.
 */
export class TfjsBackend implements Backend<S> {
  readonly name: TfjsBackendName;
  /** The tfjs backend name: 'cpu', 'wasm' or 'webgl'. */
  readonly tfBackend: string;
  readonly scatterMode: ScatterMode;
  readonly #copyOnRead: boolean;
  /**
   * tfjs-wasm multiplies through XNNPACK only when neither operand is transposed (and caches the
   * packed right operand by tensor); with a transpose flag it falls back to a much slower loop.
   * So transposes are made explicit there, and the transpose of a right operand is kept until
   * that operand is disposed: h·W_hhᵀ at every time step reuses one W_hhᵀ.
   */
  readonly #explicitTranspose: boolean;
  readonly #transposed = new Map<S, S>();
  /** Constants of the fused steps and gradient helpers, kept (outside any tidy) for the backend's lifetime. */
  readonly #consts: CellConsts;

  constructor(name: TfjsBackendName, options: TfjsBackendOptions = {}) {
    this.name = name;
    this.tfBackend = TF_BACKEND[name];
    // tfjs-cpu hands out its own backing array on readback, and tfjs-webgl the copy it keeps of
    // the texture's values (the uploaded array, or the one cached by the first read); the
    // contract wants a snapshot. tfjs-wasm copies out of the wasm heap already.
    this.#copyOnRead = this.tfBackend === 'cpu' || this.tfBackend === 'webgl';
    this.#explicitTranspose = this.tfBackend === 'wasm';
    // webgl keeps tensors in GPU textures: no host kernels there (host-kernels.ts runs stock ops).
    if (this.tfBackend !== 'webgl') registerHostKernels(this.tfBackend as 'cpu' | 'wasm');
    this.scatterMode =
      options.scatter ?? (kernelExists('ScatterNd', this.tfBackend) ? 'scatterNd' : 'oneHot');
    const masks = new Map<string, S>();
    const mask = (kind: 'lstm' | 'gru', h: number): S => {
      const key = `${kind}${h}`;
      let m = masks.get(key);
      if (!m) {
        // LSTM i, f, g, o and GRU r, z, n: the tanh block is the third in both.
        const v = new Float32Array((kind === 'lstm' ? 4 : 3) * h);
        v.fill(1, 2 * h, 3 * h);
        m = tf.keep(tf.tensor1d(v));
        masks.set(key, m);
      }
      return m;
    };
    let one: S | undefined;
    this.#consts = {
      get one() {
        one ??= tf.keep(tf.scalar(1));
        return one;
      },
      lstmMask: (h) => mask('lstm', h),
      gruMask: (h) => mask('gru', h),
    };
    if (options.fused === false) {
      this.rnnCell = undefined;
      this.rnnCellBackward = undefined;
      this.lstmCell = undefined;
      this.lstmCellBackward = undefined;
      this.gruCell = undefined;
      this.gruCellBackward = undefined;
    }
  }

  /** Makes this backend's tfjs backend the active one (tfjs keeps a single global choice). */
  #activate(): void {
    if (tf.getBackend() !== this.tfBackend) {
      // Already initialised, so tfjs switches synchronously (the promise only reports success).
      void tf.setBackend(this.tfBackend);
      if (tf.getBackend() !== this.tfBackend) {
        throw new Error(
          `${this.name}: could not switch TensorFlow.js to its '${this.tfBackend}' backend`,
        );
      }
    }
  }

  /** Runs tfjs ops on this backend, freeing every tfjs tensor they made except the result. */
  #run<T>(fn: () => T): T {
    this.#activate();
    return tf.tidy(fn as () => tf.TensorContainer) as T;
  }

  // --- storage -----------------------------------------------------------------------------
  upload(values: TypedArray, shape: Shape, dtype: DType): S {
    this.#activate();
    return tf.tensor(values, [...shape], dtype);
  }
  async read(x: KT): Promise<TypedArray> {
    const v = (await f(x).data()) as TypedArray;
    return this.#copyOnRead ? v.slice() : v;
  }
  readSync(x: KT): TypedArray {
    const v = f(x).dataSync() as TypedArray;
    return this.#copyOnRead ? v.slice() : v;
  }
  dispose(storage: S): void {
    const t = this.#transposed.get(storage);
    if (t) {
      this.#transposed.delete(storage);
      t.dispose();
    }
    storage.dispose();
  }
  fill(shape: Shape, value: number, dtype: DType): S {
    return this.#run(() => tf.fill([...shape], value, dtype));
  }
  copy(x: KT): S {
    return this.#run(() => tf.clone(f(x)));
  }

  // --- linear algebra ------------------------------------------------------------------------
  matmul(a: KT, b: KT, transA: boolean, transB: boolean): S {
    const k = transA ? a.shape[0] : a.shape[1];
    if (k === 0) {
      // XNNPACK (wasm) rejects an empty inner dimension; the product is zeros.
      const m = transA ? a.shape[1] : a.shape[0];
      const n = transB ? b.shape[0] : b.shape[1];
      return this.fill([m, n], 0, 'float32');
    }
    return this.#run(() => this.#mm(f(a), f(b), transA, transB));
  }

  /**
   * c + op(a)·op(b): one host call on tfjs-cpu; product then sum on wasm (its fused product
   * takes a bias row only, and wraps it in three reshapes, which gains nothing).
   */
  addmm(c: KT, a: KT, b: KT, transA: boolean, transB: boolean): S {
    const m = transA ? a.shape[1] : a.shape[0];
    const k = transA ? a.shape[0] : a.shape[1];
    const n = transB ? b.shape[0] : b.shape[1];
    return this.#run(() => {
      if (this.tfBackend === 'cpu') return hostAddmm(f(c), f(a), f(b), transA, transB);
      if (k === 0) return tf.add(tf.zeros([m, n]), f(c));
      return tf.add(f(c), this.#mm(f(a), f(b), transA, transB));
    });
  }

  /** op(a)·op(b) of 2-D float32 tfjs tensors, the fastest way this tfjs backend has. */
  #mm(a: S, b: S, transA: boolean, transB: boolean): S {
    if (this.tfBackend === 'cpu') return hostMatMul(a, b, transA, transB);
    if (!this.#explicitTranspose || (!transA && !transB)) return tf.matMul(a, b, transA, transB);
    return tf.matMul(transA ? tf.transpose(a) : a, transB ? this.#transposeOf(b) : b);
  }

  /** A [1, n] row of ones (made inside the caller's tidy). */
  #ones(n: number): S {
    return tf.fill([1, n], 1, 'float32');
  }

  /** tᵀ, made once per storage and freed with it (see #explicitTranspose). */
  #transposeOf(t: S): S {
    let tt = this.#transposed.get(t);
    if (!tt || tt.isDisposed) {
      tt = tf.keep(tf.transpose(t));
      this.#transposed.set(t, tt);
    }
    return tt;
  }

  unstack(x: KT): S[] {
    return this.#run(() => hostUnstack(f(x)));
  }
  stack(xs: readonly KT[]): S {
    return this.#run(() => hostStack(xs.map(f)));
  }

  // --- elementwise, broadcasting --------------------------------------------------------------
  add(a: KT, b: KT): S {
    return this.#run(() => tf.add(f(a), f(b)));
  }
  sub(a: KT, b: KT): S {
    return this.#run(() => tf.sub(f(a), f(b)));
  }
  mul(a: KT, b: KT): S {
    return this.#run(() => tf.mul(f(a), f(b)));
  }
  div(a: KT, b: KT): S {
    return this.#run(() => tf.div(f(a), f(b)));
  }
  maximum(a: KT, b: KT): S {
    return this.#run(() => tf.maximum(f(a), f(b)));
  }

  // --- elementwise, unary --------------------------------------------------------------------
  neg(x: KT): S {
    return this.#run(() => tf.neg(f(x)));
  }
  exp(x: KT): S {
    return this.#run(() => tf.exp(f(x)));
  }
  log(x: KT): S {
    return this.#run(() => tf.log(f(x)));
  }
  sqrt(x: KT): S {
    return this.#run(() => tf.sqrt(f(x)));
  }
  abs(x: KT): S {
    return this.#run(() => tf.abs(f(x)));
  }
  tanh(x: KT): S {
    return this.#run(() => tf.tanh(f(x)));
  }
  sigmoid(x: KT): S {
    return this.#run(() => tf.sigmoid(f(x)));
  }
  relu(x: KT): S {
    return this.#run(() => tf.relu(f(x)));
  }
  affine(x: KT, a: number, b: number): S {
    return this.#run(() => {
      const t = f(x);
      if (a === 1 && b === 0) return tf.clone(t);
      if (a === -1 && b === 0) return tf.neg(t);
      const ax = a === 1 ? t : tf.mul(t, tf.scalar(a));
      return b === 0 ? ax : tf.add(ax, tf.scalar(b));
    });
  }
  powScalar(x: KT, p: number): S {
    return this.#run(() => {
      const t = f(x);
      if (p === 1) return tf.clone(t);
      if (p === 2) return tf.square(t);
      if (p === 0.5) return tf.sqrt(t);
      // a division, exact in float32, where webgl's pow shader (exp2 of a log2) is 1 ulp off
      if (p === -1) return tf.reciprocal(t);
      return tf.pow(t, tf.scalar(p));
    });
  }
  clip(x: KT, lo: number, hi: number): S {
    return this.#run(() => tf.clipByValue(f(x), lo, hi));
  }
  step(x: KT): S {
    return this.#run(() => tf.step(f(x), 0));
  }

  // --- gradient helpers --------------------------------------------------------------------
  tanhGrad(y: KT, dy: KT): S {
    // dy·(1 − y²)
    return this.#run(() => tf.mul(f(dy), tf.sub(this.#consts.one, tf.square(f(y)))));
  }
  sigmoidGrad(y: KT, dy: KT): S {
    // dy·y·(1 − y)
    return this.#run(() => tf.mul(tf.mul(f(dy), f(y)), tf.sub(this.#consts.one, f(y))));
  }
  reluGrad(x: KT, dy: KT): S {
    return this.#run(() => tf.mul(f(dy), tf.step(f(x), 0)));
  }

  // --- reductions ----------------------------------------------------------------------------
  sum(x: KT, axes: readonly number[]): S {
    const k = axes.length;
    if (k === 0) return this.copy(x);
    const leading = axes.every((a, i) => a === i);
    if (leading && k < x.shape.length && x.size > 0) {
      // Sums over leading axes (bias gradients: [B·T, G] → [G]) as ones[1, outer]·x[outer, inner]:
      // tfjs reduces a non-trailing axis by transposing it to the end first, which is far slower.
      const outer = x.shape.slice(0, k).reduce((p, d) => p * d, 1);
      const inner = x.size / outer;
      return this.#run(() =>
        tf.reshape(this.#mm(this.#ones(outer), tf.reshape(f(x), [outer, inner]), false, false), [
          ...x.shape.slice(k),
        ]),
      );
    }
    return this.#run(() => tf.sum(f(x), [...axes]));
  }
  max(x: KT, axes: readonly number[]): S {
    return this.#run(() => (axes.length ? tf.max(f(x), [...axes]) : tf.clone(f(x))));
  }
  argmax(x: KT): S {
    // tfjs's ArgMax gives int32 and the first index on ties
    return this.#run(() => tf.argMax(f(x), 1));
  }

  // --- layout --------------------------------------------------------------------------------
  reshape(x: KT, shape: Shape): S {
    return this.#run(() => tf.reshape(f(x), [...shape]));
  }
  transpose(x: KT, perm: readonly number[]): S {
    // tfjs-cpu's transpose computes a multi-index per element; the host kernel walks runs.
    return this.#run(() =>
      this.tfBackend === 'cpu' ? hostTranspose(f(x), perm) : tf.transpose(f(x), [...perm]),
    );
  }
  concat(xs: readonly KT[], axis: number): S {
    return this.#run(() => tf.concat(xs.map(f), axis));
  }
  slice(x: KT, begin: readonly number[], size: readonly number[]): S {
    return this.#run(() => hostSlice(f(x), begin, size));
  }

  // --- embeddings ----------------------------------------------------------------------------
  gather(table: KT, indices: KT): S {
    return this.#run(() => hostGatherRows(f(table), f(indices)));
  }
  scatterAdd(indices: KT, updates: KT, numRows: number): S {
    const n = indices.size;
    const d = updates.shape[1];
    if (n === 0 || d === 0) return this.fill([numRows, d], 0, 'float32');
    return this.#run(() => {
      const idx = f(indices);
      const upd = f(updates);
      switch (this.scatterMode) {
        case 'scatterNd':
          // ScatterNd sums the updates of repeated indices (TensorFlow semantics).
          return tf.scatterND(tf.reshape(idx, [n, 1]), upd, [numRows, d]);
        default:
          // onehot(indices)ᵀ [V, N] · updates [N, D]
          return this.#mm(hostOneHot(idx, numRows), upd, true, false);
      }
    });
  }

  // --- softmax and losses ------------------------------------------------------------------
  softmax(logits: KT): S {
    return this.#run(() => tf.softmax(f(logits)));
  }
  logSoftmax(logits: KT): S {
    return this.#run(() => tf.logSoftmax(f(logits)));
  }
  softmaxCrossEntropy(logits: KT, labels: KT): S {
    // −logSoftmax(logits)[row, label]
    return this.#run(() => tf.neg(hostPick(tf.logSoftmax(f(logits)), f(labels))));
  }
  softmaxCrossEntropyGrad(logits: KT, labels: KT, dloss: KT): S {
    const [n, c] = logits.shape;
    return this.#run(() => {
      const onehot = hostOneHot(f(labels), c);
      const d = tf.sub(tf.softmax(f(logits)), onehot);
      return tf.mul(d, tf.reshape(f(dloss), [n, 1]));
    });
  }

  // --- optimizer updates: new tensors; core's replaceStorage frees the old ones --------------
  sgdUpdate(p: KT, g: KT, buf: KT | null, h: SgdHyper): { param: S; buf: S | null } {
    const [param, nb] = this.#run(() => {
      let d = f(g);
      if (h.weightDecay !== 0) d = tf.add(d, tf.mul(f(p), tf.scalar(h.weightDecay)));
      let b: S | null = null;
      if (h.momentum !== 0 && buf) {
        b = h.firstStep
          ? tf.clone(d)
          : tf.add(
              tf.mul(f(buf), tf.scalar(h.momentum)),
              h.dampening === 0 ? d : tf.mul(d, tf.scalar(1 - h.dampening)),
            );
        d = h.nesterov ? tf.add(d, tf.mul(b, tf.scalar(h.momentum))) : b;
      }
      const np = tf.sub(f(p), tf.mul(d, tf.scalar(h.lr)));
      return b ? [np, b] : [np];
    });
    return { param, buf: nb ?? (buf ? buf.storage : null) };
  }

  adamUpdate(p: KT, g: KT, m: KT, v: KT, h: AdamHyper): { param: S; m: S; v: S } {
    const [param, nm, nv] = this.#run(() => {
      let pp = f(p);
      let gg = f(g);
      if (h.weightDecay !== 0) {
        if (h.decoupled) pp = tf.mul(pp, tf.scalar(1 - h.lr * h.weightDecay));
        else gg = tf.add(gg, tf.mul(pp, tf.scalar(h.weightDecay)));
      }
      const m1 = tf.add(tf.mul(f(m), tf.scalar(h.beta1)), tf.mul(gg, tf.scalar(1 - h.beta1)));
      const v1 = tf.add(
        tf.mul(f(v), tf.scalar(h.beta2)),
        tf.mul(tf.square(gg), tf.scalar(1 - h.beta2)),
      );
      // p −= (lr / bc1) · m / (sqrt(v) / sqrt(bc2) + eps), as torch.optim.Adam
      const denom = tf.add(tf.div(tf.sqrt(v1), tf.scalar(Math.sqrt(h.biasCorrection2))), h.eps);
      const p1 = tf.sub(pp, tf.mul(tf.div(m1, denom), tf.scalar(h.lr / h.biasCorrection1)));
      return [p1, m1, v1];
    });
    return { param, m: nm, v: nv };
  }

  rmspropUpdate(
    p: KT,
    g: KT,
    sq: KT,
    buf: KT | null,
    h: RmspropHyper,
  ): { param: S; sq: S; buf: S | null } {
    const [param, nsq, nb] = this.#run(() => {
      let gg = f(g);
      if (h.weightDecay !== 0) gg = tf.add(gg, tf.mul(f(p), tf.scalar(h.weightDecay)));
      const s1 = tf.add(
        tf.mul(f(sq), tf.scalar(h.alpha)),
        tf.mul(tf.square(gg), tf.scalar(1 - h.alpha)),
      );
      const avg = tf.add(tf.sqrt(s1), tf.scalar(h.eps));
      if (h.momentum > 0 && buf) {
        const b1 = tf.add(tf.mul(f(buf), tf.scalar(h.momentum)), tf.div(gg, avg));
        return [tf.sub(f(p), tf.mul(b1, tf.scalar(h.lr))), s1, b1];
      }
      return [tf.sub(f(p), tf.mul(tf.div(gg, avg), tf.scalar(h.lr))), s1];
    });
    return { param, sq: nsq, buf: nb ?? (buf ? buf.storage : null) };
  }

  // --- fused recurrent steps (removed in the constructor when fused: false) -----------------
  rnnCell?(xp: KT, h: KT, w: KT, act: RnnActivation): S {
    return this.#run(() => {
      const a = tf.add(f(xp), this.#mm(f(h), f(w), false, true));
      return act === 'tanh' ? tf.tanh(a) : act === 'relu' ? tf.relu(a) : a;
    });
  }
  rnnCellBackward?(y: KT, dy: KT, act: RnnActivation): S {
    return this.#run(() =>
      act === 'tanh'
        ? hostTanhGrad(f(y), f(dy))
        : act === 'relu'
          ? tf.mul(f(dy), tf.step(f(y)))
          : tf.clone(f(dy)),
    );
  }
  lstmCell?(gates: KT, c: KT, p: KT | null): { h: S; c: S; act: S } {
    // one host call where dispatch outweighs the arithmetic: always on tfjs-cpu (its kernels are
    // JavaScript too), on wasm for small steps (XNNPACK's vector activations win on large ones)
    if (!p && this.tfBackend !== 'webgl' && (this.tfBackend === 'cpu' || c.size <= HOST_LSTM_MAX)) {
      return this.#run(() => hostLstmCell(f(gates), f(c)));
    }
    return this.#run(() => lstmForward(f(gates), f(c), p ? f(p) : null));
  }
  lstmCellBackward?(
    act: KT,
    cPrev: KT,
    cNew: KT,
    p: KT | null,
    dh: KT,
    dc: KT,
  ): { dGates: S; dcPrev: S; dp: S | null } {
    return this.#run(() =>
      lstmBackward(this.#consts, f(act), f(cPrev), f(cNew), p ? f(p) : null, f(dh), f(dc)),
    );
  }
  gruCell?(xg: KT, hg: KT, h: KT): { h: S; act: S } {
    return this.#run(() => gruForward(f(xg), f(hg), f(h)));
  }
  gruCellBackward?(act: KT, hg: KT, h: KT, dh: KT): { dxg: S; dhg: S; dh: S } {
    return this.#run(() => gruBackward(this.#consts, f(act), f(hg), f(h), f(dh)));
  }

  threads(): number {
    return 1;
  }
}
