import { acquireRunLock, assertRunLockHeld } from '#trainer-io';
import { checkFitOptions, checkTrainerArgs } from './fit-options.js';
import { type FitResult, FitRun } from './fit-run.js';
import type { FitOptions } from './fit-types.js';
import { NonFiniteLossError } from './train-step.js';

export { evaluate, formatLoss } from './evaluate.js';
export type { FitResult, StopReason } from './fit-run.js';
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
    if (!c) return new FitRun(o).run();
    let release = () => {};
    if (c.lock) assertRunLockHeld(c.dir, c.lock);
    else {
      const notice = (line: string) =>
        typeof o.progress === 'object' ? o.progress.log(line) : console.error(line);
      ({ release } = acquireRunLock(c.dir, { onNotice: notice }));
    }
    try {
      return await new FitRun(o).run();
    } finally {
      release();
    }
  }
}
