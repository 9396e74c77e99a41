import { type CellName, SequenceRegressor } from '@rnnkit/cells';
import { getBackend, manualSeed, noGrad, Rng, type Tensor, tensor, tidy } from '@rnnkit/core';
import { type Batch, linspace, sineSeries, splitWindows, WindowDataset } from '@rnnkit/data';
import {
  Adam,
  evaluate,
  type FitResult,
  mseLoss,
  type ProgressReporter,
  Trainer,
} from '@rnnkit/train';

export interface SineConfig {
  cell: CellName;
  hidden: number;
  layers: number;
  window: number;
  epochs: number;
  batch: number;
  lr: number;
  seed: number;
  points: number;
  tEnd: number;
  noise: number;
  validationFraction: number;
  /** Forecast steps past the end of the series (default: one period). */
  forecastSteps?: number;
  /** Training steps per backend call (the Trainer's stepsPerCall; left out, the Trainer sizes the calls). */
  stepsPerCall?: number;
  progress: 'bar' | 'lines' | 'none' | ProgressReporter;
}

export const DEFAULTS: SineConfig = {
  cell: 'rnn',
  hidden: 32,
  layers: 1,
  window: 50,
  epochs: 20,
  batch: 64,
  lr: 0.01,
  seed: 0,
  points: 2000,
  tEnd: 100,
  noise: 0,
  validationFraction: 0.2,
  progress: 'lines',
};

export interface SineResult {
  config: SineConfig;
  backend: string;
  fit: FitResult;
  trainMse: number;
  validationMse: number;
  forecastMse: number;
  secondsPerEpoch: number;
  series: { t: Float32Array; y: Float32Array; splitIndex: number };
  future: { t: Float32Array; truth: Float32Array; forecast: Float32Array };
}

/**
 * Next-step forecasting: the network reads a window of `window` past values and predicts the
 * next one. (Not the length-1-sequence setup that only learns the identity.)
 */
export async function runSine(c: SineConfig): Promise<SineResult> {
  manualSeed(c.seed);
  const rng = new Rng(c.seed);
  const { t, y } = sineSeries({
    length: c.points,
    tStart: 0,
    tEnd: c.tEnd,
    angularFrequency: 1,
    noise: c.noise,
    seed: c.seed,
  });
  const split = splitWindows(y, {
    window: c.window,
    horizon: 1,
    validationFraction: c.validationFraction,
    context: true,
  });
  const train = new WindowDataset(split.train, { batchSize: c.batch, shuffle: true, seed: c.seed });
  const validation = new WindowDataset(split.validation, { batchSize: 256 });
  const model = new SequenceRegressor({
    cell: c.cell,
    inputSize: 1,
    hiddenSize: c.hidden,
    numLayers: c.layers,
    outputSize: 1,
    rng,
  });
  const loss = (b: Batch) => mseLoss(model.forward(b.x), b.y);
  const fit = await new Trainer().fit({
    model,
    optimizer: new Adam(model.parameters(), { lr: c.lr }),
    loss,
    train,
    validation,
    epochs: c.epochs,
    progress: c.progress,
    itemsPerBatch: c.batch,
    itemsUnit: 'windows',
    stepsPerCall: c.stepsPerCall,
  });
  const trainEval = new WindowDataset(split.train, { batchSize: 256 });
  const trainMse = await evaluate(model, loss, trainEval);
  const validationMse = await evaluate(model, loss, validation);

  // Autoregressive forecast past the end of the series, one period by default.
  const dt = c.tEnd / (c.points - 1);
  const steps = c.forecastSteps ?? Math.round((2 * Math.PI) / dt);
  const futureT = Float32Array.from(linspace(c.tEnd + dt, c.tEnd + steps * dt, steps));
  const truth = futureT.map((v) => Math.sin(v));
  const forecast = await forecastAutoregressive(model, y.subarray(y.length - c.window), steps);
  let se = 0;
  for (let i = 0; i < steps; i++) se += (forecast[i] - truth[i]) ** 2;
  return {
    config: c,
    backend: getBackend().name,
    fit,
    trainMse,
    validationMse,
    forecastMse: se / steps,
    secondsPerEpoch: fit.seconds / Math.max(1, fit.epochs),
    series: { t, y, splitIndex: split.splitIndex },
    future: { t: futureT, truth, forecast },
  };
}

/**
 * Feeds the model its own predictions: each step predicts from the last `window` values, read
 * back with await (reads are asynchronous by contract).
 */
export async function forecastAutoregressive(
  model: SequenceRegressor,
  seed: Float32Array,
  steps: number,
): Promise<Float32Array> {
  model.eval();
  const window = Float32Array.from(seed);
  const out = new Float32Array(steps);
  for (let i = 0; i < steps; i++) {
    const y = tidy(() =>
      noGrad(() => model.forward(tensor(window, [1, window.length, 1])) as Tensor),
    );
    let next: number;
    try {
      next = (await y.data())[0];
    } finally {
      y.dispose();
    }
    out[i] = next;
    window.copyWithin(0, 1);
    window[window.length - 1] = next;
  }
  return out;
}
