import { RnnkitError } from '@rnnkit/core';

/** A learning-rate schedule: the multiplier of the base learning rate at a (0-based) step. */
export type Schedule = (step: number) => number;

/** StepLR: multiply by `gamma` every `stepSize` steps. */
export function stepDecay(stepSize: number, gamma = 0.1): Schedule {
  if (!(stepSize > 0))
    throw new RnnkitError(`stepDecay: stepSize must be positive, got ${stepSize}`);
  return (step) => gamma ** Math.floor(step / stepSize);
}

/** Cosine annealing from 1 down to `minFactor` over `totalSteps`, then flat. */
export function cosine(totalSteps: number, minFactor = 0): Schedule {
  if (!(totalSteps > 0))
    throw new RnnkitError(`cosine: totalSteps must be positive, got ${totalSteps}`);
  return (step) => {
    const t = Math.min(step, totalSteps) / totalSteps;
    return minFactor + ((1 - minFactor) * (1 + Math.cos(Math.PI * t))) / 2;
  };
}

/** Linear warm-up from 1/warmupSteps to 1 over `warmupSteps`, then `after` (shifted to start at 0). */
export function warmup(warmupSteps: number, after: Schedule = () => 1): Schedule {
  if (!(warmupSteps >= 0))
    throw new RnnkitError(`warmup: warmupSteps must be >= 0, got ${warmupSteps}`);
  return (step) => (step < warmupSteps ? (step + 1) / warmupSteps : after(step - warmupSteps));
}
