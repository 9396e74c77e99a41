import {
  compile,
  defaultRng,
  dispose,
  keep,
  type Module,
  noGrad,
  type Rng,
  RnnkitError,
  Tensor,
  tensor,
  tidy,
} from '@rnnkit/core';
import {
  acquireRunLock,
  assertRunLockHeld,
  barReporter,
  interactive,
  saveCheckpoint,
} from '#trainer-io';
import { type CheckpointData, hostTensors, modelTensors, restoreModel } from './checkpoint-data.js';
import { checkFitOptions, checkTrainerArgs } from './fit-options.js';
import type { BatchSource, Carry, FitOptions, LossFn } from './fit-types.js';
import { fusedNotices, trainSteps } from './fused-steps.js';
import { LossHistory } from './loss-history.js';
import { lineReporter, type ProgressReporter } from './progress-report.js';
import { NonFiniteLossError } from './train-step.js';

export type {
  BatchSource,
  Callback,
  Carry,
  FitOptions,
  LossFn,
  StepInfo,
  ValidationInfo,
} from './fit-types.js';
export { NonFiniteLossError };

export type StopReason = 'epochs' | 'maxSteps' | 'minutes' | 'earlyStopping' | 'aborted';

export interface FitResult {
  steps: number;
  epochs: number;
  seconds: number;
  stopReason: StopReason;
  trainLoss: { step: number; loss: number }[];
  validation: { step: number; loss: number }[];
  bestValLoss?: number;
}

/**
 * Mean loss over a dataset in evaluation mode, without gradients (carrying state when tbptt).
 * `onBatch` hears the number of batches scored so far after each one (for a progress display).
 */
export function evaluate<B>(
  model: Module,
  loss: LossFn<B>,
  data: BatchSource<B>,
  tbptt = false,
  onBatch?: (done: number) => void,
): number {
  const wasTraining = model.training;
  model.eval();
  let total = 0;
  let n = 0;
  let carry: Carry | undefined;
  try {
    for (const batch of data.batches(0)) {
      // On a compiling backend (onnx) the whole evaluation of a batch runs as one graph.
      const r = compile(() =>
        tidy(() =>
          noGrad(() => {
            const out = loss(batch, carry);
            return out instanceof Tensor ? { loss: out } : out;
          }),
        ),
      )();
      total += r.loss.item();
      n++;
      dispose(r.loss);
      if (tbptt) {
        if (carry) dispose(carry);
        carry = r.carry;
      } else if (r.carry) dispose(r.carry);
      dispose(batch);
      onBatch?.(n);
    }
  } finally {
    if (carry) dispose(carry);
    model.train(wasTraining);
  }
  if (n === 0) throw new RnnkitError('evaluate: the dataset produced no batches');
  return total / n;
}

/** Losses near zero read better in exponent form. */
export function formatLoss(x: number): string {
  return Math.abs(x) >= 0.01 || x === 0 ? x.toFixed(4) : x.toExponential(3);
}

function reporterOf(p: FitOptions<unknown>['progress']): ProgressReporter {
  if (p && typeof p === 'object') return p;
  const mode = p ?? (interactive() ? 'bar' : 'lines');
  if (mode === 'bar') return barReporter();
  if (mode === 'lines') return lineReporter();
  return { update() {}, log() {}, stop() {} };
}

/**
 * Trains `model` by backpropagation through time: for each batch, loss → gradients (core's
 * autograd) → optional clipping → optimizer step, with validation, early stopping, checkpoints,
 * a NaN/Inf guard, progress and exact resume.
 */
export class Trainer {
  // never: TypeScript rejects arguments; the check is for plain JavaScript
  constructor(...unexpected: never[]) {
    checkTrainerArgs(unexpected);
  }

  async fit<B>(o: FitOptions<B>): Promise<FitResult> {
    checkFitOptions(o);
    const c = o.checkpoint;
    if (!c) return this.fitInFolder(o);
    let release = () => {};
    if (c.lock) assertRunLockHeld(c.dir, c.lock);
    else {
      const notice = (line: string) =>
        typeof o.progress === 'object' ? o.progress.log(line) : console.error(line);
      ({ release } = acquireRunLock(c.dir, { onNotice: notice }));
    }
    try {
      return await this.fitInFolder(o);
    } finally {
      release();
    }
  }

  private async fitInFolder<B>(o: FitOptions<B>): Promise<FitResult> {
    const { model, optimizer } = o;
    const epochs =
      o.epochs ??
      (o.maxSteps !== undefined || o.minutes !== undefined ? Number.POSITIVE_INFINITY : 1);
    const rngs: Record<string, Rng> = { default: defaultRng, ...o.rngs };
    const report = reporterOf(o.progress as FitOptions<unknown>['progress']);
    const perEpoch = o.train.numBatches();
    if (perEpoch === 0)
      throw new RnnkitError(
        'Trainer.fit: the training data produced no batches; use more data or a smaller batch size',
      );
    const totalSteps = Number.isFinite(epochs)
      ? Math.min(epochs * perEpoch, o.maxSteps ?? Number.POSITIVE_INFINITY)
      : o.maxSteps;
    const params = model.parameters();
    const result: FitResult = {
      steps: 0,
      epochs: 0,
      seconds: 0,
      stopReason: 'epochs',
      trainLoss: [],
      validation: [],
    };
    let step = 0;
    let epoch = 0;
    let skip = 0;
    let carry: Carry | undefined;
    let best = Number.POSITIVE_INFINITY;
    let sinceBest = 0;
    let lastGood: string | undefined;
    if (o.resume) {
      restoreModel(model, o.resume);
      if (o.resume.optimizer) optimizer.loadStateDict(o.resume.optimizer);
      for (const [k, s] of Object.entries(o.resume.rng ?? {})) rngs[k]?.setState(s);
      ({ step, epoch, batchInEpoch: skip } = o.resume.progress);
      if (o.resume.carry && Object.keys(o.resume.carry).length && o.tbptt) {
        carry = Object.fromEntries(
          Object.entries(o.resume.carry).map(([k, h]) => [k, keep(tensor(h.data, h.shape))]),
        );
      }
      best = o.resume.metrics?.bestValLoss ?? best;
      sinceBest = o.resume.metrics?.sinceBest ?? 0;
    }
    // per-step losses as numbers; result.trainLoss is made from them when the fit returns
    const losses = new LossHistory(step + 1);
    const start = performance.now();
    const ckpt = (batchInEpoch: number): CheckpointData => ({
      model: modelTensors(model),
      optimizer: optimizer.stateDict(),
      rng: Object.fromEntries(Object.entries(rngs).map(([k, r]) => [k, r.getState()])),
      progress: { step, epoch, batchInEpoch },
      carry: o.tbptt && carry ? hostTensors(carry) : undefined,
      config: o.checkpoint?.config,
      extra: o.checkpoint?.extra,
      metrics: Number.isFinite(best) ? { bestValLoss: best, sinceBest } : undefined,
    });
    const save = (name: string, batchInEpoch: number) => {
      if (!o.checkpoint) return;
      const path = `${o.checkpoint.dir}/${name}`;
      saveCheckpoint(path, ckpt(batchInEpoch));
      if (name === 'last.safetensors') lastGood = path;
    };
    const validate = () => {
      if (!o.validation) return false;
      const valLoss = evaluate(model, o.loss, o.validation, o.tbptt);
      const improved = valLoss < best - (o.earlyStopping?.minDelta ?? 0);
      result.validation.push({ step, loss: valLoss });
      if (improved) {
        best = valLoss;
        sinceBest = 0;
      } else sinceBest++;
      const shown =
        o.lossUnit === 'nats'
          ? `${valLoss.toFixed(4)} nats (${(valLoss / Math.LN2).toFixed(3)} bits/char)`
          : formatLoss(valLoss);
      report.log(`validation at step ${step}: loss ${shown}${improved ? ' — best so far' : ''}`);
      for (const c of o.callbacks ?? []) c.onValidation?.({ step, epoch, valLoss, improved });
      return improved;
    };
    const perCall = o.stepsPerCall ?? 1;
    if (!(Number.isInteger(perCall) && perCall >= 1))
      throw new RnnkitError(
        `Trainer.fit: stepsPerCall must be a whole number of steps, 1 or more, got ${perCall}`,
      );
    /** Steps the next block may take with `b` batches of the epoch done: it ends at every boundary. */
    const blockRoom = (b: number): number => {
      let n = Math.min(perCall, perEpoch - b);
      const until = (every: number | undefined) => {
        if (every) n = Math.min(n, every - (step % every));
      };
      until(o.validateEvery);
      until(o.checkpoint?.every);
      if (o.maxSteps !== undefined) n = Math.min(n, o.maxSteps - step);
      return Math.max(1, n);
    };
    // a notice from an earlier fit with these options does not stop this one from fusing
    fusedNotices.delete(o);
    let noticed = false;
    let rateT = performance.now();
    let rateStep = step;
    let rate: number | undefined;
    let stop: StopReason | undefined;
    try {
      outer: for (; epoch < epochs; epoch++) {
        let b = 0;
        const it = o.train.batches(epoch)[Symbol.iterator]();
        try {
          for (let first = it.next(); !first.done; first = it.next()) {
            if (b < skip) {
              b++;
              dispose(first.value);
              continue;
            }
            const batches = [first.value];
            for (let room = blockRoom(b); batches.length < room; ) {
              const n = it.next();
              if (n.done) break;
              batches.push(n.value);
            }
            let block: Awaited<ReturnType<typeof trainSteps>>;
            try {
              block = await trainSteps({ o, params, batches, carry, step, lastGood });
            } finally {
              dispose(batches);
            }
            if (carry) dispose(carry);
            carry = block.carry;
            const notice = fusedNotices.get(o);
            if (notice && !noticed) {
              noticed = true;
              report.log(notice);
            }
            for (const r of block.steps) {
              step++;
              b++;
              losses.push(r.loss);
              for (const c of o.callbacks ?? [])
                c.onStep?.({
                  step,
                  epoch,
                  loss: r.loss,
                  lr: r.lr ?? optimizer.lr,
                  gradNorm: r.norm,
                });
              if (o.itemsPerBatch && performance.now() - rateT > 1000) {
                rate = ((step - rateStep) * o.itemsPerBatch) / ((performance.now() - rateT) / 1000);
                rateT = performance.now();
                rateStep = step;
              }
              report.update({
                step,
                totalSteps,
                epoch,
                loss: r.loss,
                rate,
                rateUnit: o.itemsUnit,
                valLoss: result.validation.at(-1)?.loss,
              });
            }
            // The block ended where validation, a checkpoint or maxSteps falls (blockRoom).
            const atEpochEnd = b === perEpoch;
            if (
              (o.validateEvery && step % o.validateEvery === 0) ||
              (!o.validateEvery && atEpochEnd)
            ) {
              // Progress b (not 0) at an epoch's end: resuming from it must not redo the epoch.
              if (validate()) save('best.safetensors', b);
              if (o.earlyStopping && sinceBest >= o.earlyStopping.patience) stop = 'earlyStopping';
            }
            if (o.checkpoint?.every && step % o.checkpoint.every === 0) save('last.safetensors', b);
            if (o.maxSteps !== undefined && step >= o.maxSteps) stop = 'maxSteps';
            if (o.minutes !== undefined && performance.now() - start > o.minutes * 60_000)
              stop = 'minutes';
            // Let a signal handler (Ctrl-C) on this thread run between steps.
            if (o.signal) await new Promise<void>((resolve) => setImmediate(resolve));
            if (o.signal?.aborted) stop = 'aborted';
            if (stop) {
              skip = b;
              break outer;
            }
          }
        } finally {
          it.return?.();
        }
        skip = 0;
        if (carry) dispose(carry);
        carry = undefined;
      }
    } catch (e) {
      // A NaN/Inf loss (or an error in the loss function) ends the run: free the carried state.
      if (carry) dispose(carry);
      throw e;
    } finally {
      report.stop();
    }
    // Where the run stands: inside an epoch (skip batches on resume) or at the start of the next.
    const inEpoch = stop && skip < perEpoch ? skip : 0;
    if (stop && skip >= perEpoch) epoch++;
    if (o.checkpoint) save('last.safetensors', inEpoch);
    if (carry) dispose(carry);
    result.trainLoss = losses.entries();
    result.steps = step;
    result.epochs = epoch;
    result.seconds = (performance.now() - start) / 1000;
    result.stopReason = stop ?? 'epochs';
    if (Number.isFinite(best)) result.bestValLoss = best;
    return result;
  }
}
