import {
  defaultRng,
  dispose,
  keep,
  type Parameter,
  type Rng,
  RnnkitError,
  tensor,
} from '@rnnkit/core';
import { barReporter, interactive, saveCheckpoint } from '#trainer-io';
import { BlockSizer } from './block-size.js';
import { type CheckpointData, hostTensors, modelTensors, restoreModel } from './checkpoint-data.js';
import { evaluate, formatLoss } from './evaluate.js';
import type { Carry, FitOptions } from './fit-types.js';
import { type BlockResult, fusedNotices, mayFuse, trainSteps } from './fused-steps.js';
import { LossHistory } from './loss-history.js';
import { nextTurn } from './next-turn.js';
import { lineReporter, type ProgressReporter, silentReporter } from './progress-report.js';

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

function reporterOf(p: FitOptions<unknown>['progress']): ProgressReporter {
  if (p && typeof p === 'object') return p;
  const mode = p ?? (interactive() ? 'bar' : 'lines');
  if (mode === 'bar') return barReporter();
  if (mode === 'lines') return lineReporter();
  return silentReporter;
}

/**
 * One Trainer.fit inside its checkpoint folder: the run's state (step, epoch, carried state, best
 * validation loss) and its named steps. Each epoch is read in blocks of up to perCall() batches
 * (takeBlock), trained (trainBlock), reported step by step (reportSteps), then checked for
 * validation, checkpoints and stopping (boundaryChecks); a block ends at every such boundary.
 */
export class FitRun<B> {
  private readonly epochs: number;
  private readonly rngs: Record<string, Rng>;
  private readonly report: ProgressReporter;
  private readonly perEpoch: number;
  private readonly totalSteps: number | undefined;
  private readonly params: Parameter[];
  /** Sizes the blocks when the fit names no stepsPerCall. */
  private readonly sizer: BlockSizer | undefined;
  private readonly losses: LossHistory;
  private readonly start: number;
  private readonly result: FitResult = {
    steps: 0,
    epochs: 0,
    seconds: 0,
    stopReason: 'epochs',
    trainLoss: [],
    validation: [],
  };
  private step = 0;
  private epoch = 0;
  /** Batches of the current epoch already trained (on resume) or done when the run stopped. */
  private skip = 0;
  private carry: Carry | undefined;
  private best = Number.POSITIVE_INFINITY;
  private sinceBest = 0;
  private lastGood: string | undefined;
  private noticed = false;
  private rateT: number;
  private rateStep: number;
  private rate: number | undefined;
  private stop: StopReason | undefined;

  constructor(private readonly o: FitOptions<B>) {
    this.epochs =
      o.epochs ??
      (o.maxSteps !== undefined || o.minutes !== undefined ? Number.POSITIVE_INFINITY : 1);
    this.rngs = { default: defaultRng, ...o.rngs };
    this.report = reporterOf(o.progress as FitOptions<unknown>['progress']);
    this.perEpoch = o.train.numBatches();
    if (this.perEpoch === 0)
      throw new RnnkitError(
        'Trainer.fit: the training data produced no batches; use more data or a smaller batch size',
      );
    this.totalSteps = Number.isFinite(this.epochs)
      ? Math.min(this.epochs * this.perEpoch, o.maxSteps ?? Number.POSITIVE_INFINITY)
      : o.maxSteps;
    this.params = o.model.parameters();
    if (o.resume) this.resume(o.resume);
    // per-step losses as numbers; result.trainLoss is made from them when the fit returns
    this.losses = new LossHistory(this.step + 1);
    this.start = performance.now();
    const fixed = o.stepsPerCall;
    if (fixed !== undefined && !(Number.isInteger(fixed) && fixed >= 1))
      throw new RnnkitError(
        `Trainer.fit: stepsPerCall must be a whole number of steps, 1 or more, got ${fixed}; leave it out to let the Trainer size the calls`,
      );
    this.sizer = fixed === undefined ? new BlockSizer() : undefined;
    // a notice from an earlier fit with these options does not stop this one from fusing
    fusedNotices.delete(o);
    this.rateT = performance.now();
    this.rateStep = this.step;
  }

  /** Model, optimizer, random streams, position, carried state and metrics from a checkpoint. */
  private resume(r: CheckpointData): void {
    const { o } = this;
    restoreModel(o.model, r);
    if (r.optimizer) o.optimizer.loadStateDict(r.optimizer);
    for (const [k, s] of Object.entries(r.rng ?? {})) this.rngs[k]?.setState(s);
    ({ step: this.step, epoch: this.epoch, batchInEpoch: this.skip } = r.progress);
    if (r.carry && Object.keys(r.carry).length && o.tbptt) {
      this.carry = Object.fromEntries(
        Object.entries(r.carry).map(([k, h]) => [k, keep(tensor(h.data, h.shape))]),
      );
    }
    this.best = r.metrics?.bestValLoss ?? this.best;
    this.sinceBest = r.metrics?.sinceBest ?? 0;
  }

  async run(): Promise<FitResult> {
    try {
      await this.o.optimizer.followParameters();
      for (; this.epoch < this.epochs; this.epoch++) {
        if (await this.runEpoch()) break;
        this.skip = 0;
        if (this.carry) dispose(this.carry);
        this.carry = undefined;
      }
    } catch (e) {
      // A NaN/Inf loss (or an error in the loss function) ends the run: free the carried state.
      if (this.carry) dispose(this.carry);
      throw e;
    } finally {
      this.report.stop();
    }
    return this.finish();
  }

  /** One epoch, block by block; true when a boundary check stopped the run inside it. */
  private async runEpoch(): Promise<boolean> {
    let b = 0;
    const it = this.o.train.batches(this.epoch)[Symbol.iterator]();
    try {
      for (let first = it.next(); !first.done; first = it.next()) {
        if (b < this.skip) {
          b++;
          dispose(first.value);
          continue;
        }
        const block = await this.trainBlock(this.takeBlock(it, first.value, b));
        b += block.steps.length;
        this.reportSteps(block);
        this.stop = await this.boundaryChecks(b);
        if (this.stop) {
          this.skip = b;
          return true;
        }
      }
    } finally {
      it.return?.();
    }
    return false;
  }

  /** `first` and the batches after it up to the room the next block has (blockRoom). */
  private takeBlock(it: Iterator<B>, first: B, b: number): B[] {
    const batches = [first];
    for (let room = this.blockRoom(b); batches.length < room; ) {
      const n = it.next();
      if (n.done) break;
      batches.push(n.value);
    }
    return batches;
  }

  /** Steps the next block may take with `b` batches of the epoch done: it ends at every boundary. */
  private blockRoom(b: number): number {
    const { o, step } = this;
    let n = Math.min(this.perCall(), this.perEpoch - b);
    const until = (every: number | undefined) => {
      if (every) n = Math.min(n, every - (step % every));
    };
    until(o.validateEvery);
    until(o.checkpoint?.every);
    if (o.maxSteps !== undefined) n = Math.min(n, o.maxSteps - step);
    return Math.max(1, n);
  }

  /**
   * Steps the next block may take before its boundaries: stepsPerCall when given; else, while the
   * fit may fuse steps, the sizer's choice, and otherwise one (each step is a call of its own, and
   * the run answers after each).
   */
  private perCall(): number {
    const { o, sizer } = this;
    if (!sizer) return o.stepsPerCall ?? 1;
    return mayFuse(o, this.params) ? sizer.next() : 1;
  }

  /** Trains the block's batches (freed after), taking the state it carries out. */
  private async trainBlock(batches: B[]): Promise<BlockResult> {
    const { o, params, carry, step, lastGood } = this;
    let block: BlockResult;
    const t0 = performance.now();
    try {
      block = await trainSteps({ o, params, batches, carry, step, lastGood });
    } finally {
      dispose(batches);
    }
    this.sizer?.record(block.steps.length, performance.now() - t0);
    if (this.carry) dispose(this.carry);
    this.carry = block.carry;
    const notice = fusedNotices.get(o);
    if (notice && !this.noticed) {
      this.noticed = true;
      this.report.log(notice);
    }
    return block;
  }

  /** Counts the block's steps and tells the callbacks and the progress display about each. */
  private reportSteps(block: BlockResult): void {
    const { o } = this;
    for (const r of block.steps) {
      this.step++;
      const step = this.step;
      this.losses.push(r.loss);
      for (const c of o.callbacks ?? [])
        c.onStep?.({
          step,
          epoch: this.epoch,
          loss: r.loss,
          lr: r.lr ?? o.optimizer.lr,
          gradNorm: r.norm,
        });
      if (o.itemsPerBatch && performance.now() - this.rateT > 1000) {
        this.rate =
          ((step - this.rateStep) * o.itemsPerBatch) / ((performance.now() - this.rateT) / 1000);
        this.rateT = performance.now();
        this.rateStep = step;
      }
      this.report.update({
        step,
        totalSteps: this.totalSteps,
        epoch: this.epoch,
        loss: r.loss,
        rate: this.rate,
        rateUnit: o.itemsUnit,
        valLoss: this.result.validation.at(-1)?.loss,
      });
    }
  }

  /**
   * After a block (which ended where validation, a checkpoint or maxSteps falls: blockRoom):
   * validates, saves and says why the run stops here, if it does.
   */
  private async boundaryChecks(b: number): Promise<StopReason | undefined> {
    const { o } = this;
    let stop: StopReason | undefined;
    const atEpochEnd = b === this.perEpoch;
    if (
      (o.validateEvery && this.step % o.validateEvery === 0) ||
      (!o.validateEvery && atEpochEnd)
    ) {
      // Progress b (not 0) at an epoch's end: resuming from it must not redo the epoch.
      if (await this.validate()) await this.save('best.safetensors', b);
      if (o.earlyStopping && this.sinceBest >= o.earlyStopping.patience) stop = 'earlyStopping';
    }
    if (o.checkpoint?.every && this.step % o.checkpoint.every === 0)
      await this.save('last.safetensors', b);
    if (o.maxSteps !== undefined && this.step >= o.maxSteps) stop = 'maxSteps';
    if (o.minutes !== undefined && performance.now() - this.start > o.minutes * 60_000)
      stop = 'minutes';
    // Let a signal handler (Ctrl-C) on this thread run between steps.
    if (o.signal) await nextTurn();
    if (o.signal?.aborted) stop = 'aborted';
    return stop;
  }

  /** Scores the validation data; true when the loss is the best so far. */
  private async validate(): Promise<boolean> {
    const { o, step } = this;
    if (!o.validation) return false;
    const valLoss = await evaluate(o.model, o.loss, o.validation, o.tbptt);
    const improved = valLoss < this.best - (o.earlyStopping?.minDelta ?? 0);
    this.result.validation.push({ step, loss: valLoss });
    if (improved) {
      this.best = valLoss;
      this.sinceBest = 0;
    } else this.sinceBest++;
    const shown =
      o.lossUnit === 'nats'
        ? `${valLoss.toFixed(4)} nats (${(valLoss / Math.LN2).toFixed(3)} bits/char)`
        : formatLoss(valLoss);
    this.report.log(`validation at step ${step}: loss ${shown}${improved ? ' — best so far' : ''}`);
    for (const c of o.callbacks ?? [])
      await c.onValidation?.({ step, epoch: this.epoch, valLoss, improved });
    return improved;
  }

  private async save(name: string, batchInEpoch: number): Promise<void> {
    if (!this.o.checkpoint) return;
    const path = `${this.o.checkpoint.dir}/${name}`;
    saveCheckpoint(path, await this.checkpointData(batchInEpoch));
    if (name === 'last.safetensors') this.lastGood = path;
  }

  private async checkpointData(batchInEpoch: number): Promise<CheckpointData> {
    const { o, step, epoch, carry, best, sinceBest } = this;
    return {
      model: await modelTensors(o.model),
      optimizer: await o.optimizer.stateDict(),
      rng: Object.fromEntries(Object.entries(this.rngs).map(([k, r]) => [k, r.getState()])),
      progress: { step, epoch, batchInEpoch },
      carry: o.tbptt && carry ? await hostTensors(carry) : undefined,
      config: o.checkpoint?.config,
      extra: o.checkpoint?.extra,
      metrics: Number.isFinite(best) ? { bestValLoss: best, sinceBest } : undefined,
    };
  }

  /** The last checkpoint and the result: where the run stands, its losses and its time. */
  private async finish(): Promise<FitResult> {
    const { stop, skip, result } = this;
    // Inside an epoch (skip batches on resume) or at the start of the next.
    const inEpoch = stop && skip < this.perEpoch ? skip : 0;
    if (stop && skip >= this.perEpoch) this.epoch++;
    if (this.o.checkpoint) await this.save('last.safetensors', inEpoch);
    if (this.carry) dispose(this.carry);
    result.trainLoss = this.losses.entries();
    result.steps = this.step;
    result.epochs = this.epoch;
    result.seconds = (performance.now() - this.start) / 1000;
    result.stopReason = stop ?? 'epochs';
    if (Number.isFinite(this.best)) result.bestValLoss = this.best;
    return result;
  }
}
