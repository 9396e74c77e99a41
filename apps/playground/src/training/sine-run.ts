import { type CellName, SequenceRegressor } from '@rnnkit/cells';
import { manualSeed, noGrad, Rng, tensor, tidy, valueAndGrad } from '@rnnkit/core';
import { sineSeries, splitWindows, WindowDataset } from '@rnnkit/data';
import { Adam, mseLoss, type StepInfo } from '@rnnkit/train';

// The sine demo: a cell learns to predict the next value of sin(t) from a window of past values;
// every few steps it forecasts the next period from its own predictions, drawn against the true
// curve. No DOM, no Node built-ins (the page's worker runs it).

export interface SineSettings {
  cell: CellName;
  hidden: number;
  window: number;
  batch: number;
  lr: number;
  seed: number;
  steps: number;
  /** Forecast (and report it) every this many steps. */
  forecastEvery: number;
}

export const SINE_DEFAULTS: SineSettings = {
  cell: 'gru',
  hidden: 16,
  window: 24,
  batch: 32,
  lr: 0.01,
  seed: 0,
  steps: 400,
  forecastEvery: 20,
};

/** Samples per unit of t (so one period is about 2π·8 ≈ 50 points). */
const RATE = 8;

export interface Forecast {
  step: number;
  /** The times of the forecast and the true sin(t) there. */
  t: number[];
  truth: number[];
  forecast: number[];
}

export interface SineHooks {
  onStep?(info: StepInfo): void;
  /** Each forecast as training goes on; training waits for it. */
  onForecast?(f: Forecast): void;
  signal?: AbortSignal;
}

/** Predicts `steps` values past `seed`, each from the model's own previous predictions. */
async function forecastAhead(model: SequenceRegressor, seed: Float32Array, steps: number) {
  const window = Float32Array.from(seed);
  const out: number[] = [];
  model.eval();
  for (let i = 0; i < steps; i++) {
    const y = tidy(() => noGrad(() => model.forward(tensor(window, [1, window.length, 1]))));
    const next = (await y.data())[0];
    y.dispose();
    out.push(next);
    window.copyWithin(0, 1);
    window[window.length - 1] = next;
  }
  model.train();
  return out;
}

/**
 * Trains with Adam on shuffled windows, one step at a time with an asynchronous loss read (so a
 * stop request and the page's messages are handled between steps), forecasting every
 * `forecastEvery` steps and at the end. Returns the training losses.
 */
export async function trainSine(s: SineSettings, hooks: SineHooks = {}): Promise<number[]> {
  manualSeed(s.seed);
  const rng = new Rng(s.seed);
  const points = 30 * RATE;
  const { y } = sineSeries({
    length: points,
    tStart: 0,
    tEnd: (points - 1) / RATE,
    angularFrequency: 1,
  });
  const split = splitWindows(y, { window: s.window, horizon: 1, validationFraction: 0.2 });
  const model = new SequenceRegressor({
    cell: s.cell,
    inputSize: 1,
    hiddenSize: s.hidden,
    outputSize: 1,
    rng,
  });
  const optimizer = new Adam(model.parameters(), { lr: s.lr });
  const train = new WindowDataset(split.train, { batchSize: s.batch, shuffle: true, seed: s.seed });
  const ahead = Math.round(2 * Math.PI * RATE);
  const t = Array.from({ length: ahead }, (_, i) => (points + i) / RATE);
  const truth = t.map((v) => Math.sin(v));
  const seed = y.subarray(y.length - s.window);
  const forecast = async (step: number) =>
    hooks.onForecast?.({ step, t, truth, forecast: await forecastAhead(model, seed, ahead) });
  const losses: number[] = [];
  let step = 0;
  for (let epoch = 0; step < s.steps && !hooks.signal?.aborted; epoch++) {
    for (const b of train.batches(epoch)) {
      const value = tidy(() => {
        const { value, grads } = valueAndGrad(
          () => mseLoss(model.forward(b.x), b.y),
          model.parameters(),
        );
        optimizer.step(grads);
        return value;
      });
      b.x.dispose();
      b.y.dispose();
      const loss = (await value.data())[0];
      value.dispose();
      step++;
      losses.push(loss);
      hooks.onStep?.({ step, epoch, loss, lr: s.lr });
      if (step % s.forecastEvery === 0) await forecast(step);
      if (step >= s.steps || hooks.signal?.aborted) break;
    }
  }
  if (step % s.forecastEvery !== 0) await forecast(step);
  return losses;
}
