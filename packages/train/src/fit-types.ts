import type { Module, Rng, Tensor } from '@rnnkit/core';
import type { CheckpointData } from './checkpoint-data.js';
import type { Optimizer } from './optim/optimizer.js';
import type { ProgressReporter } from './progress-report.js';
import type { Schedule } from './schedules.js';

// The types of Trainer.fit's options, apart from the Trainer so that the modules it runs
// (train-step.ts, fused-steps.ts, fit-options.ts) import them without importing it.

/** Recurrent state carried from one batch to the next (truncated BPTT), e.g. { h, c }. */
export type Carry = Record<string, Tensor | undefined>;

/** The batches of one epoch; structurally the same as @rnnkit/data's Dataset. */
export interface BatchSource<B> {
  numBatches(): number;
  batches(epoch: number): Iterable<B>;
}

/** Computes the loss of one batch; may take and return a carried state. */
export type LossFn<B> = (
  batch: B,
  carry: Carry | undefined,
) => Tensor | { loss: Tensor; carry?: Carry };

export interface StepInfo {
  step: number;
  epoch: number;
  loss: number;
  lr: number;
  gradNorm?: number;
}

export interface ValidationInfo {
  step: number;
  epoch: number;
  valLoss: number;
  improved: boolean;
}

/** Hooks called during fit; every method optional. */
export interface Callback {
  onStep?(info: StepInfo): void;
  /** After each validation; fit awaits what it returns, so it may read (reads are asynchronous). */
  onValidation?(info: ValidationInfo): void | Promise<void>;
}

export interface FitOptions<B> {
  model: Module;
  optimizer: Optimizer;
  loss: LossFn<B>;
  train: BatchSource<B>;
  validation?: BatchSource<B>;
  /** Stop after this many epochs (default 1 when neither maxSteps nor minutes is given). */
  epochs?: number;
  maxSteps?: number;
  minutes?: number;
  /** Carry the state returned by `loss` into the next batch of the epoch, detached (truncated BPTT). */
  tbptt?: boolean;
  clipNorm?: number;
  clipValue?: number;
  schedule?: Schedule;
  /** Validate every N steps (default: at the end of every epoch). */
  validateEvery?: number;
  earlyStopping?: { patience: number; minDelta?: number };
  /**
   * Checkpoints: `last.safetensors` every `every` steps and at the end; `best.safetensors` on a
   * new best validation loss. Before step 1 fit creates `dir` and locks it (`.rnnkit-lock`), so an
   * unusable folder or another run training into it fails at once; the lock is released when fit
   * returns or throws. A caller that already holds the folder's lock (acquireRunLock, e.g. on
   * another thread of this process) passes its token as `lock` and keeps releasing it itself.
   */
  checkpoint?: { dir: string; every?: number; config?: unknown; extra?: unknown; lock?: string };
  /** Continue from a checkpoint exactly where it stopped. */
  resume?: CheckpointData;
  /** Extra generators whose state is saved and restored (the default generator always is). */
  rngs?: Record<string, Rng>;
  callbacks?: Callback[];
  /** 'bar' (default on a terminal outside CI), 'lines', 'none', or your own reporter. */
  progress?: 'bar' | 'lines' | 'none' | ProgressReporter;
  /** 'nats' reports validation losses also in bits (language models); default plain numbers. */
  lossUnit?: 'nats';
  /** Items per batch (e.g. characters) for the throughput shown by the progress bar. */
  itemsPerBatch?: number;
  itemsUnit?: string;
  /** Aborting (e.g. on Ctrl-C) stops after the current step and saves a resumable checkpoint. */
  signal?: AbortSignal;
  /**
   * Training steps per backend call. On a compiling backend (onnx) up to this many consecutive
   * batches of one shape run as one call, a loop over the batches, with the same results as one
   * step at a time and far less per-step overhead for small models. Left out (the default), the
   * Trainer sizes the calls itself on a compiling backend: as many steps as fit about a quarter
   * second, up to 64 (see block-size.ts), and one step per call elsewhere. Blocks end at epoch
   * ends, validation, checkpoints and maxSteps; `minutes` and aborting are checked between
   * blocks. Steps that cannot be fused (dropout, a host read in the loss, other backends) run one
   * at a time.
   */
  stepsPerCall?: number;
}
