import { checkOptions, type OptionKeys, Rng, RnnkitError } from '@rnnkit/core';

export interface SineOptions {
  /** Number of samples (a positive integer). */
  length: number;
  /** Peak amplitude. Default 1. */
  amplitude?: number;
  /** Ordinary frequency in cycles per unit of `t`. Default 1. Exclusive with `angularFrequency`. */
  frequency?: number;
  /** Angular frequency in radians per unit of `t` (`2π·frequency`). Exclusive with `frequency`. */
  angularFrequency?: number;
  /** Phase in radians. Default 0. */
  phase?: number;
  /** Standard deviation of added Gaussian noise. Default 0 (the exact sine). */
  noise?: number;
  /** Seed of the noise generator (core's `Rng`). Default 0. */
  seed?: number;
  /** First time value. Default 0. */
  tStart?: number;
  /** Last time value (included unless `endpoint: false`). Default `tStart + length - 1` (step 1). */
  tEnd?: number;
  /** Whether `tEnd` is the last sample, as in numpy's `linspace`. Default true. */
  endpoint?: boolean;
}

const KEYS: OptionKeys<SineOptions> = {
  length: 'required',
  amplitude: 'optional',
  frequency: 'optional',
  angularFrequency: 'optional',
  phase: 'optional',
  noise: 'optional',
  seed: 'optional',
  tStart: 'optional',
  tEnd: 'optional',
  endpoint: 'optional',
};

export interface SineSeries {
  /** Time of each sample (rounded to float32). */
  t: Float32Array;
  /** `amplitude · sin(ω·t + phase) + noise · N(0, 1)`, computed in float64 and stored as float32. */
  y: Float32Array;
}

/**
 * `num` evenly spaced values over `[start, stop]`, bit for bit as numpy's
 * `np.linspace(start, stop, num, endpoint)` computes them in float64.
 */
export function linspace(start: number, stop: number, num: number, endpoint = true): Float64Array {
  if (!Number.isInteger(num) || num < 0) {
    throw new RnnkitError(`linspace: num must be a non-negative integer, got ${num}`);
  }
  const out = new Float64Array(num);
  const div = endpoint ? num - 1 : num;
  const delta = stop - start;
  const step = div > 0 ? delta / div : Number.NaN;
  for (let i = 0; i < num; i++) {
    if (div <= 0) out[i] = i * delta + start;
    else if (step === 0) out[i] = (i / div) * delta + start;
    else out[i] = i * step + start;
  }
  if (endpoint && num > 1) out[num - 1] = stop;
  return out;
}

function finite(name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new RnnkitError(`sineSeries: ${name} must be a finite number, got ${value}`);
  }
  return value;
}

/**
 * A sampled sine wave `y = amplitude · sin(ω·t + phase) + noise · N(0, 1)` with
 * `t = linspace(tStart, tEnd, length, endpoint)` and `ω = angularFrequency ?? 2π · frequency`.
 *
 * The benchmark series `y = sin(linspace(0, 100, 2000))` (numpy, endpoint included) is
 * `sineSeries({ length: 2000, tStart: 0, tEnd: 100, angularFrequency: 1 })`: with ω = 1,
 * amplitude 1 and phase 0 every value is exactly `Math.fround(Math.sin(t))`.
 * (`frequency: 1 / (2 * Math.PI)` is the same wave up to float rounding of ω.)
 *
 * Noise is drawn from `new Rng(seed)`, so a seed reproduces the series exactly; `noise: 0`
 * draws nothing and gives the exact sine.
 */
export function sineSeries(options: SineOptions): SineSeries {
  checkOptions('sineSeries', options, KEYS);
  const { length, amplitude = 1, phase = 0, noise = 0, seed = 0, endpoint = true } = options;
  if (!Number.isInteger(length) || length < 1) {
    throw new RnnkitError(`sineSeries: length must be a positive integer, got ${length}`);
  }
  if (options.frequency !== undefined && options.angularFrequency !== undefined) {
    throw new RnnkitError('sineSeries: give either frequency or angularFrequency, not both');
  }
  const omega =
    options.angularFrequency !== undefined
      ? finite('angularFrequency', options.angularFrequency)
      : 2 * Math.PI * finite('frequency', options.frequency ?? 1);
  const tStart = finite('tStart', options.tStart ?? 0);
  const tEnd = finite('tEnd', options.tEnd ?? tStart + length - 1);
  finite('amplitude', amplitude);
  finite('phase', phase);
  if (finite('noise', noise) < 0) {
    throw new RnnkitError(`sineSeries: noise must be >= 0 (a standard deviation), got ${noise}`);
  }
  const times = linspace(tStart, tEnd, length, endpoint);
  const t = new Float32Array(length);
  const y = new Float32Array(length);
  const rng = noise > 0 ? new Rng(seed) : undefined;
  for (let i = 0; i < length; i++) {
    t[i] = times[i];
    let v = amplitude * Math.sin(omega * times[i] + phase);
    if (rng) v += noise * rng.normal();
    y[i] = v;
  }
  return { t, y };
}
