import type { DType, Shape, TypedArray } from './dtype.js';

/**
 * What a kernel sees of a tensor: its shape, dtype and the backend-owned storage.
 * Core validates shapes and dtypes before calling a kernel, so kernels may trust them.
 */
export interface KernelTensor<S = unknown> {
  readonly shape: Shape;
  readonly dtype: DType;
  readonly size: number;
  readonly storage: S;
}

type KT<S> = KernelTensor<S>;

/** The activations of an Elman step. */
export type RnnActivation = 'tanh' | 'relu' | 'linear';

/** Hyperparameters of one SGD update, PyTorch semantics (`torch.optim.SGD`). */
export interface SgdHyper {
  lr: number;
  momentum: number;
  dampening: number;
  nesterov: boolean;
  weightDecay: number;
  /** True on the first step: the momentum buffer is initialised to the gradient. */
  firstStep: boolean;
}

/** Hyperparameters of one Adam/AdamW update, PyTorch semantics. */
export interface AdamHyper {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** AdamW: decay the weights directly instead of adding weightDecay·p to the gradient. */
  decoupled: boolean;
  /** 1 - beta1^t and 1 - beta2^t for the step t being taken (t starts at 1). */
  biasCorrection1: number;
  biasCorrection2: number;
}

/** Hyperparameters of one RMSprop update, PyTorch semantics (non-centered). */
export interface RmspropHyper {
  lr: number;
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
}

/** A loop over time for a compiling backend: see `Backend.lowerScan`. */
export interface LoopSpec<S = unknown> {
  /** Initial carries. */
  readonly init: readonly KT<S>[];
  /** Time-major sequences [T, ...]; the body sees one step of each. */
  readonly xs: readonly KT<S>[];
  /** Walk time backwards; outputs are still stored at their own time index. */
  readonly reverse: boolean;
  /** Names this loop for `Backend.replayScan` (the backward loop of a forward one replays it). */
  readonly key?: object;
  /**
   * Builds the body once, from storages standing for the carries and for one step of each
   * sequence; returns the new carries (as many as `init`) followed by the step's outputs.
   */
  body(carry: readonly S[], xs: readonly S[]): readonly KT<S>[];
}

/**
 * Optional fused recurrent step kernels. Core's `lstmCell`/`gruCell` ops use them when a backend
 * provides them and compose smaller kernels otherwise; the two paths must agree.
 */
export interface FusedKernels<S = unknown> {
  /**
   * LSTM step from gate pre-activations `gates` [B, 4H] (x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh, gate
   * order i, f, g, o as PyTorch) and the previous cell state `c` [B, H]; optional peepholes `p`
   * [3, H] (rows i, f, o; i and f see c_{t-1}, o sees c_t). Returns h, c and the activated
   * gates [B, 4H] that the backward needs.
   */
  lstmCell?(gates: KT<S>, c: KT<S>, p: KT<S> | null): { h: S; c: S; act: S };
  /** Backward of lstmCell: gradients of the gate pre-activations, of c_{t-1} and of the peepholes. */
  lstmCellBackward?(
    act: KT<S>,
    cPrev: KT<S>,
    cNew: KT<S>,
    p: KT<S> | null,
    dh: KT<S>,
    dc: KT<S>,
  ): { dGates: S; dcPrev: S; dp: S | null };
  /**
   * GRU step, reset gate applied after the recurrent product (PyTorch, cuDNN, ONNX
   * linear_before_reset=1): `xg` [B, 3H] = x·W_ihᵀ + b_ih and `hg` [B, 3H] = h·W_hhᵀ + b_hh in gate
   * order r, z, n; `h` [B, H]. Returns h' and the activations [B, 3H] (r, z, n) for backward.
   */
  gruCell?(xg: KT<S>, hg: KT<S>, h: KT<S>): { h: S; act: S };
  /**
   * Elman step h' = act(xp + h·wᵀ) for `xp` [B, H] (x·W_ihᵀ plus biases), `h` [B, H] and the
   * recurrent weight `w` [H, H]: the product and the activation in one kernel.
   */
  rnnCell?(xp: KT<S>, h: KT<S>, w: KT<S>, act: RnnActivation): S;
  /** Backward of rnnCell up to the pre-activation: dy ⊙ act'(·), from the output y = h'. */
  rnnCellBackward?(y: KT<S>, dy: KT<S>, act: RnnActivation): S;
  /** Backward of gruCell: gradients of xg, hg and h. */
  gruCellBackward?(act: KT<S>, hg: KT<S>, h: KT<S>, dh: KT<S>): { dxg: S; dhg: S; dh: S };
}

/**
 * Optional fused optimizer update kernels (may update in place and return the same storage).
 * Each optimizer of @rnnkit/train is one definition written in core ops; it calls the backend's
 * kernel of the same name when present and runs that definition otherwise, so a backend need not
 * implement any of these. The conformance suite checks each kernel a backend has against the
 * definition.
 */
export interface FusedOptimizerKernels<S = unknown> {
  sgdUpdate?(
    param: KT<S>,
    grad: KT<S>,
    buf: KT<S> | null,
    h: SgdHyper,
  ): { param: S; buf: S | null };
  adamUpdate?(
    param: KT<S>,
    grad: KT<S>,
    m: KT<S>,
    v: KT<S>,
    h: AdamHyper,
  ): { param: S; m: S; v: S };
  rmspropUpdate?(
    param: KT<S>,
    grad: KT<S>,
    sq: KT<S>,
    buf: KT<S> | null,
    h: RmspropHyper,
  ): { param: S; sq: S; buf: S | null };
}

/**
 * The kernel set every backend implements. It is declared once here, so a backend that misses
 * a kernel fails to compile. Kernels return new storage unless documented as in-place; the
 * shapes of results are fixed by core (see the ops in `ops/`).
 */
export interface Backend<S = unknown> extends FusedKernels<S>, FusedOptimizerKernels<S> {
  readonly name: string;

  // --- storage ---------------------------------------------------------------------------
  /** Moves host values into backend storage; core never touches `values` afterwards, so the backend may keep it. */
  upload(values: TypedArray, shape: Shape, dtype: DType): S;
  /** Reads values back to the host. */
  read(x: KT<S>): Promise<TypedArray>;
  /** Synchronous readback, where the backend can. */
  readSync?(x: KT<S>): TypedArray;
  /** Frees native memory; must be safe for storages that share memory with others. */
  dispose(storage: S): void;
  fill(shape: Shape, value: number, dtype: DType): S;
  copy(x: KT<S>): S;

  // --- linear algebra ----------------------------------------------------------------------
  /** 2-D matrix product op(a)·op(b); op transposes when the flag is set. */
  matmul(a: KT<S>, b: KT<S>, transA: boolean, transB: boolean): S;

  // --- elementwise, NumPy broadcasting to `outShape` -----------------------------------------
  add(a: KT<S>, b: KT<S>, outShape: Shape): S;
  sub(a: KT<S>, b: KT<S>, outShape: Shape): S;
  mul(a: KT<S>, b: KT<S>, outShape: Shape): S;
  div(a: KT<S>, b: KT<S>, outShape: Shape): S;
  maximum(a: KT<S>, b: KT<S>, outShape: Shape): S;

  // --- elementwise, unary ------------------------------------------------------------------
  neg(x: KT<S>): S;
  exp(x: KT<S>): S;
  log(x: KT<S>): S;
  sqrt(x: KT<S>): S;
  abs(x: KT<S>): S;
  tanh(x: KT<S>): S;
  sigmoid(x: KT<S>): S;
  relu(x: KT<S>): S;
  /** a·x + b with scalars a, b. */
  affine(x: KT<S>, a: number, b: number): S;
  /** x raised to a scalar power. */
  powScalar(x: KT<S>, p: number): S;
  clip(x: KT<S>, lo: number, hi: number): S;
  /** 1 where x > 0, else 0 (float). */
  step(x: KT<S>): S;

  // --- gradient helpers --------------------------------------------------------------------
  /** dy·(1 − y²) from the output y of tanh. */
  tanhGrad(y: KT<S>, dy: KT<S>): S;
  /** dy·y·(1 − y) from the output y of sigmoid. */
  sigmoidGrad(y: KT<S>, dy: KT<S>): S;
  /** dy where x > 0, else 0. */
  reluGrad(x: KT<S>, dy: KT<S>): S;

  // --- reductions (axes sorted, unique; result drops them) ----------------------------------
  sum(x: KT<S>, axes: readonly number[]): S;
  max(x: KT<S>, axes: readonly number[]): S;
  /** Row-wise index of the largest value of [N, C] → int32 [N] (the first one on ties). */
  argmax(x: KT<S>): S;

  // --- layout ------------------------------------------------------------------------------
  reshape(x: KT<S>, shape: Shape): S;
  transpose(x: KT<S>, perm: readonly number[]): S;
  concat(xs: readonly KT<S>[], axis: number, outShape: Shape): S;
  slice(x: KT<S>, begin: readonly number[], size: readonly number[]): S;

  // --- embeddings --------------------------------------------------------------------------
  /** Rows of `table` [V, D] picked by int32 `indices` [N] → [N, D]. */
  gather(table: KT<S>, indices: KT<S>): S;
  /** Sums rows of `updates` [N, D] into a zero [numRows, D] at int32 `indices` [N]. */
  scatterAdd(indices: KT<S>, updates: KT<S>, numRows: number): S;

  // --- softmax and losses ------------------------------------------------------------------
  /** Row-wise softmax of [N, C]. */
  softmax(logits: KT<S>): S;
  /** Row-wise log-softmax of [N, C]. */
  logSoftmax(logits: KT<S>): S;
  /** Per-row −log softmax(logits)[label] for logits [N, C] and int32 labels [N] → [N]. */
  softmaxCrossEntropy(logits: KT<S>, labels: KT<S>): S;
  /** (softmax(logits) − onehot(labels))·dloss[:, None] → [N, C]. */
  softmaxCrossEntropyGrad(logits: KT<S>, labels: KT<S>, dloss: KT<S>): S;

  // --- optional capabilities ---------------------------------------------------------------
  /**
   * acc += x for equal shapes, used by autograd to sum gradient contributions (a weight used at
   * every time step gets one per step). May update `acc`'s storage in place and return it;
   * without it core allocates a new sum each time.
   */
  addInPlace?(acc: KT<S>, x: KT<S>): S;
  /**
   * c + op(a)·op(b) (torch.addmm) with c [m, n] or a bias row [n]: the product accumulated onto
   * c's values in one pass. Without it core runs matmul, then add.
   */
  addmm?(c: KT<S>, a: KT<S>, b: KT<S>, transA: boolean, transB: boolean): S;
  /**
   * x [n, ...] cut along axis 0 into its n pieces [...], in one call (a loop over time takes its
   * steps' inputs this way). Without it core slices and reshapes each piece: 2n kernel calls.
   */
  unstack?(x: KT<S>): S[];
  /**
   * Equal-shaped xs [...] joined along a new axis 0 into [n, ...], in one call (a loop's
   * per-step outputs and gradients). Without it core reshapes each and concatenates: n + 1 calls.
   */
  stack?(xs: readonly KT<S>[]): S;
  /**
   * While `compile` traces: lowers one `scan` to the backend's loop operator (ONNX `Scan`) and
   * returns the storages of the final carries followed by the stacked per-step outputs. Returns
   * null when not tracing; core then runs the loop itself.
   */
  lowerScan?(loop: LoopSpec<S>): S[] | null;
  /**
   * Inside the body of a lowered loop: runs `fn`, which calls the same kernels in the same order
   * as the body of the loop named `key` did, with each kernel's results taken from that loop
   * (saved per step) instead of computed again. A lowered scan's backward uses it to get the
   * forward step's values without recomputing them. Backends without it recompute.
   */
  replayScan?<T>(key: object, fn: () => T): T;
  /**
   * Called by core's `compile`; eager backends leave it out and core runs the function. In-place
   * kernels inside a compiled call must give their tensors new storage (never write into the
   * old), so that `revertible` can undo a compiled training step.
   */
  compile?<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R;
  /** Number of threads the backend computes with, for benchmark reports. */
  threads?(): number;
}
