import { RnnkitError } from '@rnnkit/core';

export interface WindowOptions {
  /** Input length of each example (a positive integer). */
  window: number;
  /** Number of values to forecast after each window. Default 1 (next-step forecasting). */
  horizon?: number;
  /** Step between the starts of consecutive windows. Default 1. */
  stride?: number;
}

/** Windowed examples, row-major. Matches what `WindowDataset` takes. */
export interface Windows {
  /** `[count, window]`: row `i` is `series[i·stride, i·stride + window)`. */
  inputs: Float32Array;
  /** `[count, horizon]`: row `i` is `series[i·stride + window, i·stride + window + horizon)`. */
  targets: Float32Array;
  /** Number of examples. */
  count: number;
  window: number;
  horizon: number;
}

function positiveInt(caller: string, name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RnnkitError(`${caller}: ${name} must be a positive integer, got ${value}`);
  }
  return value;
}

/** Fills in defaults and checks that window, horizon and stride are positive integers. */
export function resolveWindowOptions(
  options: WindowOptions,
  caller = 'slidingWindows',
): Required<WindowOptions> {
  return {
    window: positiveInt(caller, 'window', options.window),
    horizon: positiveInt(caller, 'horizon', options.horizon ?? 1),
    stride: positiveInt(caller, 'stride', options.stride ?? 1),
  };
}

/** How many windows `slidingWindows` makes from a series of `length` values (0 if too short). */
export function windowCount(length: number, window: number, horizon = 1, stride = 1): number {
  const span = window + horizon;
  return length < span ? 0 : Math.floor((length - span) / stride) + 1;
}

/**
 * Sliding windows over a 1-D series for forecasting: each example's input is `window`
 * consecutive values and its target the `horizon` values right after them. Windows start at
 * `0, stride, 2·stride, ...` while a whole window and its targets fit; a leftover tail shorter
 * than a stride is not used.
 */
export function slidingWindows(series: Float32Array, options: WindowOptions): Windows {
  const { window, horizon, stride } = resolveWindowOptions(options);
  if (series.length < window + horizon) {
    throw new RnnkitError(
      `slidingWindows: series of length ${series.length} is too short for window ${window} + ` +
        `horizon ${horizon} (needs at least ${window + horizon} values)`,
    );
  }
  const count = windowCount(series.length, window, horizon, stride);
  const inputs = new Float32Array(count * window);
  const targets = new Float32Array(count * horizon);
  for (let i = 0; i < count; i++) {
    const start = i * stride;
    inputs.set(series.subarray(start, start + window), i * window);
    targets.set(series.subarray(start + window, start + window + horizon), i * horizon);
  }
  return { inputs, targets, count, window, horizon };
}
