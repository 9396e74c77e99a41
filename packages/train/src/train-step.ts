import {
  compile,
  dispose,
  keep,
  type Parameter,
  type Revertible,
  RnnkitError,
  revertible,
  Tensor,
  tidy,
  valueAndGrad,
} from '@rnnkit/core';
import { describeNonFinite, nonFiniteInBatch } from './batch-finite.js';
import { clipGradNorm, clipGradNormOps, clipGradValue } from './clip.js';
import type { Carry, FitOptions } from './fit-types.js';

/** Raised when a loss is NaN or infinite; parameters and checkpoints are left as they were before that step. */
export class NonFiniteLossError extends RnnkitError {
  override name = 'NonFiniteLossError';
}

/** One training step's inputs: the fit options, the batch, the carried state, where training stands. */
export interface StepArgs<B> {
  o: FitOptions<B>;
  params: Parameter[];
  batch: B;
  carry: Carry | undefined;
  /** Steps done before this one. */
  step: number;
  /** The last checkpoint written, named in the error a non-finite loss raises. */
  lastGood: string | undefined;
}

export interface StepResult {
  loss: number;
  carry?: Carry;
  norm?: number;
  /** The learning rate the step used. */
  lr?: number;
}

/**
 * One training step: loss and gradients (backpropagation through time), then, for a finite
 * loss, clipping and the optimizer update. A non-finite loss raises NonFiniteLossError and
 * leaves parameters and optimizer state as they were.
 *
 * On a backend that compiles (onnx) the whole step is one compiled call, so one graph run: the
 * update is made before the loss is read and reverted when the loss is not finite. Elsewhere
 * (the JS backend's optimizers update in place, which cannot be undone) the loss is read first
 * and the update is a second call.
 */
export function trainStep<B>(a: StepArgs<B>): Promise<StepResult> {
  return a.params[0]?.backend.compile ? onePass(a) : lossFirst(a);
}

/** Loss, gradients and the state carried on (kept: it outlives the step's scope). */
function lossAndGrads<B>({ o, params, batch, carry }: StepArgs<B>) {
  let next: Carry | undefined;
  const { value, grads } = valueAndGrad(() => {
    const out = o.loss(batch, carry);
    const r = out instanceof Tensor ? { loss: out } : out;
    if (r.carry) {
      next = {};
      for (const [k, t] of Object.entries(r.carry)) if (t) next[k] = keep(t);
    }
    return r.loss;
  }, params);
  return { value, grads, next };
}

/** Clipping by value, the learning-rate schedule and the optimizer step (clipNorm comes before). */
function update<B>(o: FitOptions<B>, grads: Tensor[]): void {
  let g = grads;
  if (o.clipValue) g = clipGradValue(g, o.clipValue);
  if (o.schedule) o.optimizer.lr = o.optimizer.baseLr * o.schedule(o.optimizer.stepCount);
  o.optimizer.step(g);
}

/**
 * The error for a non-finite loss. The batch is checked first: NaN or Inf in the data makes the
 * loss non-finite at any learning rate, and the fix is then the data, not the optimizer.
 */
async function nonFinite<B>(a: StepArgs<B>, loss: number): Promise<NonFiniteLossError> {
  const kept = `training stopped before updating the weights${a.lastGood ? `, and the last good checkpoint ${a.lastGood} is intact` : ''}`;
  const bad = await nonFiniteInBatch(a.batch);
  if (bad.length)
    return new NonFiniteLossError(
      `loss became ${loss} at step ${a.step + 1}; ${kept}. The input batch of step ${a.step + 1} holds non-finite values: ${describeNonFinite(bad)}. Clean the data (drop or fill the NaN/Inf values where the dataset is made); the learning rate is not the cause.`,
    );
  return new NonFiniteLossError(
    `loss became ${loss} at step ${a.step + 1}; ${kept}. Lower the learning rate or set clipNorm: the input batch is finite, so the training diverged.`,
  );
}

/**
 * The whole step as one compiled call, its updates revertible. The loss (and clipNorm's norm,
 * computed in the graph by clipGradNormOps: summed in float32) is awaited, not read
 * synchronously: reads are asynchronous by contract, and the event loop (progress bar, Ctrl-C)
 * stays alive while it computes. A fused block's loop body (fused-steps.ts) clips with the same
 * ops in the same order, so that grouping steps into calls never changes a bit: change both.
 */
async function onePass<B>(a: StepArgs<B>): Promise<StepResult> {
  const opt = a.o.optimizer;
  const { stepCount, lr } = opt;
  // revertible puts the storages back; the step count and rate are the optimizer's own
  const restore = () => {
    opt.stepCount = stepCount;
    opt.lr = lr;
  };
  let run: Revertible<{ value: Tensor; next?: Carry; norm?: Tensor }>;
  try {
    run = revertible(() =>
      compile(() =>
        tidy(() => {
          const { value, grads, next } = lossAndGrads(a);
          let g = grads;
          let norm: Tensor | undefined;
          if (a.o.clipNorm) ({ grads: g, norm } = clipGradNormOps(g, a.o.clipNorm));
          update(a.o, g);
          return { value, next, norm };
        }),
      )(),
    );
  } catch (e) {
    restore();
    throw e;
  }
  const { value, next, norm: normT } = run.result;
  const undo = () => {
    run.revert();
    restore();
    if (next) dispose(next);
  };
  let loss: number;
  let norm: number | undefined;
  try {
    const [lossValues, normValues] = await Promise.all([value.data(), normT?.data()]);
    loss = lossValues[0];
    norm = normValues?.[0];
  } catch (e) {
    undo();
    throw e;
  } finally {
    dispose([value, normT]);
  }
  if (!Number.isFinite(loss)) {
    undo();
    throw await nonFinite(a, loss);
  }
  run.commit();
  return { loss, carry: next, norm };
}

/**
 * Two compiled calls: loss and gradients, then, once the loss is known to be finite, the update.
 * On the onnx backend each is one graph run on its worker thread. clipNorm reads the norm
 * (asynchronously) between them.
 */
async function lossFirst<B>(a: StepArgs<B>): Promise<StepResult> {
  const fb = compile(() => tidy(() => lossAndGrads(a)))();
  const drop = () => {
    dispose([fb.value, ...fb.grads]);
    if (fb.next) dispose(fb.next);
  };
  let loss: number;
  try {
    loss = (await fb.value.data())[0];
  } catch (e) {
    drop();
    throw e;
  }
  if (!Number.isFinite(loss)) {
    drop();
    throw await nonFinite(a, loss);
  }
  let grads = fb.grads;
  try {
    let norm: number | undefined;
    if (a.o.clipNorm) ({ grads, norm } = await clipGradNorm(fb.grads, a.o.clipNorm));
    compile(() => tidy(() => update(a.o, grads)))();
    return { loss, carry: fb.next, norm };
  } finally {
    // clipping may have made new gradients; the step's own are freed either way
    dispose([fb.value, fb.grads, grads]);
  }
}
