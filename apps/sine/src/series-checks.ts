import { RnnkitError } from '@rnnkit/core';
import { windowCount } from '@rnnkit/data';

/** The options that shape the series, as the CLI's flags set them. */
export interface SeriesOptions {
  points: number;
  tEnd: number;
  window: number;
  validationFraction: number;
  forecastSteps?: number;
}

/** More steps than this in a default one-period forecast ask for an explicit --forecast-steps. */
const MAX_DEFAULT_FORECAST = 100_000;

/**
 * Checks the series options before anything runs, naming the flags (the parser has already
 * refused a --t-end that is not a positive number): enough --points for a training and a
 * validation window of --window values, and a one-period forecast of a sane length.
 */
export function checkSeries(o: SeriesOptions): void {
  const split = o.points - Math.round(o.points * o.validationFraction);
  if (windowCount(split, o.window) < 1)
    throw new RnnkitError(
      `--points ${o.points} leaves ${split} training values, too few for one window of --window ${o.window} and its next value; use more --points or a smaller --window`,
    );
  if (o.points - split < 1)
    throw new RnnkitError(
      `--points ${o.points} leaves no validation values; use at least ${Math.ceil(1 / o.validationFraction)} points`,
    );
  const period = Math.round((2 * Math.PI * (o.points - 1)) / o.tEnd);
  if (o.forecastSteps === undefined && period > MAX_DEFAULT_FORECAST)
    throw new RnnkitError(
      `one period of sin(t) is ${period.toLocaleString('en-US')} steps at --points ${o.points} over --t-end ${o.tEnd}, too many to forecast by default; set --forecast-steps or a larger --t-end`,
    );
}

/** How the plot's title names the forecast's length: one period (the default) or steps and periods. */
export function forecastSpan(steps: number, dt: number): string {
  if (steps === Math.round((2 * Math.PI) / dt)) return 'one period';
  const periods = (steps * dt) / (2 * Math.PI);
  return `${steps} steps (${+periods.toFixed(2)} periods)`;
}
