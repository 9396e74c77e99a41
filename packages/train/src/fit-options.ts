import { checkOptions, describeValue, type OptionKeys, RnnkitError } from '@rnnkit/core';
import type { FitOptions } from './fit-types.js';

const FIT_KEYS: OptionKeys<FitOptions<unknown>> = {
  model: 'required',
  optimizer: 'required',
  loss: 'required',
  train: 'required',
  validation: 'optional',
  epochs: 'optional',
  maxSteps: 'optional',
  minutes: 'optional',
  tbptt: 'optional',
  clipNorm: 'optional',
  clipValue: 'optional',
  schedule: 'optional',
  validateEvery: 'optional',
  earlyStopping: 'optional',
  checkpoint: 'optional',
  resume: 'optional',
  rngs: 'optional',
  callbacks: 'optional',
  progress: 'optional',
  lossUnit: 'optional',
  itemsPerBatch: 'optional',
  itemsUnit: 'optional',
  signal: 'optional',
  stepsPerCall: 'optional',
};

const EARLY_STOPPING_KEYS: OptionKeys<NonNullable<FitOptions<unknown>['earlyStopping']>> = {
  patience: 'required',
  minDelta: 'optional',
};

const CHECKPOINT_KEYS: OptionKeys<NonNullable<FitOptions<unknown>['checkpoint']>> = {
  dir: 'required',
  every: 'optional',
  config: 'optional',
  extra: 'optional',
  lock: 'optional',
};

/** Checks `Trainer.fit`'s options and the option objects nested in them (see core's checkOptions). */
export function checkFitOptions<B>(o: FitOptions<B>): void {
  checkOptions('Trainer.fit', o, FIT_KEYS);
  if (o.earlyStopping !== undefined)
    checkOptions('Trainer.fit earlyStopping', o.earlyStopping, EARLY_STOPPING_KEYS);
  if (o.checkpoint !== undefined)
    checkOptions('Trainer.fit checkpoint', o.checkpoint, CHECKPOINT_KEYS);
}

/** `new Trainer(...)` takes nothing: options given there (Lightning's style) would be ignored. */
export function checkTrainerArgs(args: readonly unknown[]): void {
  if (args.length > 0 && args.some((a) => a !== undefined))
    throw new RnnkitError(
      `Trainer takes no constructor options, got ${describeValue(args[0])}; pass them to fit: new Trainer().fit({ model, optimizer, loss, train, epochs, … })`,
    );
}
