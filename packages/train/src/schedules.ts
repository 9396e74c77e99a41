import { describeValue, RnnkitError } from '@rnnkit/core';

/** A learning-rate schedule: the multiplier of the base learning rate at a (0-based) step. */
export type Schedule = (step: number) => number;

/**
 * Schedules take numbers in order, not an options object (PyTorch's `StepLR(step_size=…)` keyword
 * style would arrive as one object): anything else names the call's shape.
 */
function checkNumber(
  call: string,
  name: string,
  v: unknown,
  ok: (x: number) => boolean,
  want: string,
) {
  if (typeof v !== 'number' || !ok(v))
    throw new RnnkitError(
      `${call.slice(0, call.indexOf('('))}: ${name} must be ${want}, got ${typeof v === 'number' ? v : describeValue(v)}; call ${call}`,
    );
}

/** StepLR: multiply by `gamma` every `stepSize` steps. */
export function stepDecay(stepSize: number, gamma = 0.1): Schedule {
  const call = 'stepDecay(stepSize, gamma?)';
  checkNumber(call, 'stepSize', stepSize, (x) => x > 0, 'positive');
  checkNumber(call, 'gamma', gamma, Number.isFinite, 'a finite number');
  return (step) => gamma ** Math.floor(step / stepSize);
}

/** Cosine annealing from 1 down to `minFactor` over `totalSteps`, then flat. */
export function cosine(totalSteps: number, minFactor = 0): Schedule {
  const call = 'cosine(totalSteps, minFactor?)';
  checkNumber(call, 'totalSteps', totalSteps, (x) => x > 0, 'positive');
  checkNumber(call, 'minFactor', minFactor, Number.isFinite, 'a finite number');
  return (step) => {
    const t = Math.min(step, totalSteps) / totalSteps;
    return minFactor + ((1 - minFactor) * (1 + Math.cos(Math.PI * t))) / 2;
  };
}

/** Linear warm-up from 1/warmupSteps to 1 over `warmupSteps`, then `after` (shifted to start at 0). */
export function warmup(warmupSteps: number, after: Schedule = () => 1): Schedule {
  const call = 'warmup(warmupSteps, after?)';
  checkNumber(call, 'warmupSteps', warmupSteps, (x) => x >= 0, '>= 0');
  if (typeof after !== 'function')
    throw new RnnkitError(
      `warmup: after must be a schedule (a function such as cosine(1000)), got ${describeValue(after)}; call ${call}`,
    );
  return (step) => (step < warmupSteps ? (step + 1) / warmupSteps : after(step - warmupSteps));
}
