import '@rnnkit/backend-js';
import { type CellName, Linear, LSTM, SequenceRegressor } from '@rnnkit/cells';
import { Module, manualSeed, Rng, type Tensor, tensor } from '@rnnkit/core';
import { type Batch, sineSeries, splitWindows, WindowDataset } from '@rnnkit/data';
import { mseLoss } from '../losses.js';
import type { BatchSource, Carry, LossFn } from '../trainer.js';

/**
 * Windows of a noisy sine (@rnnkit/data), split by time: 112 training windows of 8 steps in
 * 7 shuffled batches of 16, and 33 validation windows in one batch.
 */
export function sineData(o: { batchSize?: number; seed?: number } = {}): {
  train: WindowDataset;
  validation: WindowDataset;
} {
  const { y } = sineSeries({ length: 160, frequency: 1 / 40, noise: 0.01, seed: 3 });
  const split = splitWindows(y, { window: 8, validationFraction: 0.25 });
  return {
    train: new WindowDataset(split.train, {
      batchSize: o.batchSize ?? 16,
      shuffle: true,
      seed: o.seed ?? 1,
    }),
    validation: new WindowDataset(split.validation, { batchSize: 64 }),
  };
}

/**
 * A small SequenceRegressor built from the default generator reseeded with `seed`. Two layers
 * with dropout between them by default, so training consumes random numbers from the default
 * generator (and a resumed run must restore its state to match).
 */
export function regressor(
  seed: number,
  o: { cell?: CellName; hiddenSize?: number; numLayers?: number; dropout?: number } = {},
): SequenceRegressor {
  manualSeed(seed);
  return new SequenceRegressor({
    cell: o.cell ?? 'lstm',
    inputSize: 1,
    hiddenSize: o.hiddenSize ?? 6,
    numLayers: o.numLayers ?? 2,
    dropout: o.dropout ?? 0.25,
    outputSize: 1,
  });
}

/** MSE of the next-value forecast. */
export function regressionLoss(model: SequenceRegressor): LossFn<Batch> {
  return (b) => mseLoss(model.forward(b.x), b.y);
}

/**
 * Host copies of every parameter, by name (for bitwise comparisons), read asynchronously (the
 * tests also run on a backend without synchronous reads). Every read is issued at the call, so
 * the copies are of that moment.
 */
export async function weights(model: Module): Promise<Record<string, number[]>> {
  const ps = model.namedParameters();
  const read = await Promise.all(ps.map(([, p]) => p.data()));
  return Object.fromEntries(ps.map(([n], i) => [n, Array.from(read[i], Number)]));
}

/** A sequence model whose state can be carried between chunks: LSTM → Linear at every step. */
export class StreamModel extends Module {
  readonly rnn: LSTM;
  readonly head: Linear;

  constructor(seed: number, hiddenSize = 4) {
    super();
    const rng = new Rng(seed);
    this.rnn = new LSTM({ inputSize: 1, hiddenSize, rng });
    this.head = new Linear({ inFeatures: hiddenSize, outFeatures: 1, rng });
  }

  forward(x: Tensor, carry?: Carry): { y: Tensor; carry: Carry } {
    const init = carry?.h ? { h: carry.h, c: carry.c } : undefined;
    const { output, state } = this.rnn.forward(x, init);
    return { y: this.head.forward(output), carry: { h: state.h, c: state.c } };
  }
}

export interface StreamBatch {
  x: Tensor;
  y: Tensor;
}

/**
 * One long sine stream cut into `streams` parallel rows and consecutive chunks of `chunk` steps
 * (char-rnn style): batch i+1 continues exactly where batch i ended, so carrying the state is
 * meaningful. Targets are the next value at every step.
 */
export function streamData(streams = 2, chunk = 5, chunks = 4): BatchSource<StreamBatch> {
  const per = chunk * chunks;
  const { y: s } = sineSeries({ length: streams * per + 1, frequency: 1 / 13, seed: 0 });
  return {
    numBatches: () => chunks,
    *batches() {
      for (let c = 0; c < chunks; c++) {
        const x = new Float32Array(streams * chunk);
        const y = new Float32Array(streams * chunk);
        for (let b = 0; b < streams; b++)
          for (let t = 0; t < chunk; t++) {
            const i = b * per + c * chunk + t;
            x[b * chunk + t] = s[i];
            y[b * chunk + t] = s[i + 1];
          }
        yield { x: tensor(x, [streams, chunk, 1]), y: tensor(y, [streams, chunk, 1]) };
      }
    },
  };
}
