import { RnnkitError } from '@rnnkit/core';
import {
  resolveWindowOptions,
  slidingWindows,
  type WindowOptions,
  type Windows,
} from './windows.js';

export interface SplitOptions {
  /** Share of the series (at the end) held out for validation, in (0, 1). Default 0.2. */
  validationFraction?: number;
}

/**
 * Index where validation begins: `length - round(length · validationFraction)`.
 * Throws unless both parts get at least one value.
 */
export function splitIndex(
  length: number,
  validationFraction = 0.2,
  caller = 'splitByTime',
): number {
  if (!(validationFraction > 0 && validationFraction < 1)) {
    throw new RnnkitError(
      `${caller}: validationFraction must be in (0, 1), got ${validationFraction}`,
    );
  }
  const nValidation = Math.round(length * validationFraction);
  if (nValidation < 1 || nValidation > length - 1) {
    throw new RnnkitError(
      `${caller}: a series of length ${length} with validationFraction ${validationFraction} ` +
        `leaves ${length - nValidation} train and ${nValidation} validation values; both need at least 1`,
    );
  }
  return length - nValidation;
}

/**
 * Splits a series by time: train is the first part, validation the last `validationFraction`
 * of it. Both are contiguous copies; nothing is shuffled across the split.
 */
export function splitByTime(
  series: Float32Array,
  options: SplitOptions = {},
): { train: Float32Array; validation: Float32Array } {
  const at = splitIndex(series.length, options.validationFraction);
  return { train: series.slice(0, at), validation: series.slice(at) };
}

export interface SplitWindowOptions extends WindowOptions, SplitOptions {
  /**
   * When true, validation windows may use the last `window` training values as input context,
   * so the first validation target is the first validation value. Targets stay disjoint, but
   * early validation inputs then contain values that are training targets.
   * Default false: validation inputs and targets both lie entirely after the split.
   */
  context?: boolean;
}

export interface WindowSplit {
  train: Windows;
  validation: Windows;
  /** Series index of the first validation value. */
  splitIndex: number;
  /** Series index of the first training target (`window`); row `i` starts `i·stride` later. */
  trainTargetStart: number;
  /** Series index of the first validation target; row `i` starts `i·stride` later. */
  validationTargetStart: number;
}

/**
 * Splits a series by time and then windows each part, so no example straddles the split:
 * every training input and target index is `< splitIndex` and every validation target index
 * is `>= splitIndex`. Without `context` (the default) validation inputs are `>= splitIndex` too,
 * so no validation input overlaps any training target.
 */
export function splitWindows(series: Float32Array, options: SplitWindowOptions): WindowSplit {
  const windowOptions = resolveWindowOptions(options, 'splitWindows');
  const { window, horizon } = windowOptions;
  const at = splitIndex(series.length, options.validationFraction, 'splitWindows');
  const context = options.context ?? false;
  const valStart = context ? Math.max(0, at - window) : at;
  const span = window + horizon;
  const parts: [string, number][] = [
    ['train', at],
    ['validation', series.length - valStart],
  ];
  for (const [name, n] of parts) {
    if (n < span) {
      throw new RnnkitError(
        `splitWindows: the ${name} part has ${n} values but one window needs ${span} ` +
          `(window ${window} + horizon ${horizon}); use a longer series, a smaller window, ` +
          `or change validationFraction`,
      );
    }
  }
  return {
    train: slidingWindows(series.subarray(0, at), windowOptions),
    validation: slidingWindows(series.subarray(valStart), windowOptions),
    splitIndex: at,
    trainTargetStart: window,
    validationTargetStart: valStart + window,
  };
}
