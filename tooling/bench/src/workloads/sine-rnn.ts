import { SequenceRegressor } from '@rnnkit/cells';
import { manualSeed, Rng } from '@rnnkit/core';
import { type Batch, sineSeries, slidingWindows, WindowDataset } from '@rnnkit/data';
import { Adam, evaluate, mseLoss, Trainer } from '@rnnkit/train';
import { type Clock, clock, cpuShare, liveTensors, median, type Workload } from '../harness.js';

/** The workload's sizes, shared with its tfjs-layers peer so both train the same model. */
export const WINDOW = 50;
export const HIDDEN = 32;
export const BATCH = 64;
export const LR = 0.01;

/**
 * The sine workload: next-value forecasting from windows of 50 over
 * sin(linspace(0, 100, 2000)), RNN hidden 32, batch 64 shuffled, Adam 0.01, trained with the
 * Trainer. Every window is a training example (no validation split), as in the reference runs.
 */
export const sineRnnWorkload: Workload = {
  name: 'sine-rnn',
  description:
    'RNN(32) next-value forecast, windows of 50 over sin(linspace(0,100,2000)), batch 64, Adam 0.01: s/epoch (median) and final train MSE after 20 epochs (quick: 3)',
  async run(ctx) {
    const epochs = ctx.quick ? 3 : 20;
    manualSeed(0);
    const { y } = sineSeries({ length: 2000, tStart: 0, tEnd: 100, angularFrequency: 1 });
    const windows = slidingWindows(y, { window: WINDOW, horizon: 1 });
    const train = new WindowDataset(windows, { batchSize: BATCH, shuffle: true, seed: 0 });
    const model = new SequenceRegressor({
      cell: 'rnn',
      inputSize: 1,
      hiddenSize: HIDDEN,
      outputSize: 1,
      rng: new Rng(0),
    });
    const loss = (b: Batch) => mseLoss(model.forward(b.x), b.y);
    const perEpoch = train.numBatches();
    // Epoch boundaries from the step callback: the time of the last step of every epoch, and the
    // live tensors then (training must not grow memory: the count after epoch 1 should not move).
    const ends: Clock[] = [];
    const live: number[] = [];
    const start = clock();
    const fit = await new Trainer().fit({
      model,
      optimizer: new Adam(model.parameters(), { lr: LR }),
      loss,
      train,
      epochs,
      progress: 'none',
      stepsPerCall: ctx.stepsPerCall,
      callbacks: [
        {
          onStep: ({ step }) => {
            if (step % perEpoch !== 0) return;
            ends.push(clock());
            live.push(liveTensors());
          },
        },
      ],
    });
    const epochSeconds = ends.map((t, i) => (t.wall - (i === 0 ? start : ends[i - 1]).wall) / 1000);
    const trainMse = await evaluate(model, loss, new WindowDataset(windows, { batchSize: 256 }));
    return [
      {
        workload: 'sine-rnn',
        backend: ctx.backend,
        metric: `train time per epoch (median of ${epochs})`,
        value: median(epochSeconds),
        unit: 's/epoch',
        notes: {
          finalTrainMse: trainMse,
          lastBatchLoss: fit.trainLoss.at(-1)?.loss ?? Number.NaN,
          firstEpochS: epochSeconds[0],
          windows: windows.count,
          batchesPerEpoch: perEpoch,
          tensorGrowth: (live.at(-1) ?? 0) - live[0],
          ...(ctx.stepsPerCall && ctx.stepsPerCall > 1 ? { stepsPerCall: ctx.stepsPerCall } : {}),
          cpuShare: cpuShare(start, ends[ends.length - 1]),
        },
      },
    ];
  },
};
