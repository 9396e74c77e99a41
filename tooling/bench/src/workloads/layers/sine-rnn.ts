import { sineSeries, slidingWindows } from '@rnnkit/data';
import type { Scalar } from '@tensorflow/tfjs';
import { type Clock, clock, cpuShare, median, type Workload } from '../../harness.js';
import { tfTensors } from '../../tfjs-layers-api.js';
import { BATCH, HIDDEN, LR, WINDOW } from '../sine-rnn.js';
import { denseInit, disposeModel, layersSetup, rnnInit } from './common.js';

/**
 * The sine-rnn peer, the way Keras users write it: `tf.sequential([simpleRNN(32), dense(1)])`,
 * `compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' })` and one
 * `model.fit(x, y, { batchSize: 64, epochs, shuffle: true })` over the same 1,950 windows
 * (`@rnnkit/data`'s series and windows). Epochs are timed from `fit`'s `onEpochEnd` callback;
 * `fit` reports the loss per epoch, so the notes give the last epoch's mean training loss where
 * the rnnkit row gives the last batch's. `fit` shuffles with Math.random (tfjs has no seed for
 * it), so the final MSE varies a little between runs; the initial weights are seeded.
 */
export const layersSineRnn: Workload = {
  name: 'sine-rnn',
  description:
    'tfjs-layers peer: Sequential simpleRNN(32) + dense(1), model.fit batch 64 shuffled, Adam 0.01, same windows: s/epoch (median) and final train MSE after 20 epochs (cpu: 10; quick: 3)',
  async run(ctx) {
    const tf = layersSetup(ctx);
    const cpu = ctx.backend === 'tfjs-layers-cpu';
    const epochs = ctx.quick ? 3 : cpu ? 10 : 20;
    const { y } = sineSeries({ length: 2000, tStart: 0, tEnd: 100, angularFrequency: 1 });
    const windows = slidingWindows(y, { window: WINDOW, horizon: 1 });
    const xs = tf.tensor3d(windows.inputs, [windows.count, WINDOW, 1]);
    const ys = tf.tensor2d(windows.targets, [windows.count, 1]);
    const model = tf.sequential({
      layers: [
        tf.layers.simpleRNN({ units: HIDDEN, inputShape: [WINDOW, 1], ...rnnInit(tf, 10, true) }),
        tf.layers.dense({ units: 1, ...denseInit(tf, 2) }),
      ],
    });
    model.compile({ optimizer: tf.train.adam(LR), loss: 'meanSquaredError' });
    const ends: Clock[] = [];
    const live: number[] = [];
    const start = clock();
    const history = await model.fit(xs, ys, {
      batchSize: BATCH,
      epochs,
      shuffle: true,
      verbose: 0,
      callbacks: {
        onEpochEnd: async () => {
          ends.push(clock());
          live.push(tfTensors(tf));
        },
      },
    });
    const epochSeconds = ends.map((t, i) => (t.wall - (i === 0 ? start : ends[i - 1]).wall) / 1000);
    const mse = model.evaluate(xs, ys, { batchSize: 256 }) as Scalar;
    const finalTrainMse = mse.dataSync()[0];
    tf.dispose([mse, xs, ys]);
    disposeModel(model);
    return [
      {
        workload: 'sine-rnn',
        backend: ctx.backend,
        metric: `train time per epoch (median of ${epochs})`,
        value: median(epochSeconds),
        unit: 's/epoch',
        notes: {
          finalTrainMse,
          lastEpochLoss: Number(history.history.loss.at(-1)),
          firstEpochS: epochSeconds[0],
          windows: windows.count,
          batchesPerEpoch: Math.ceil(windows.count / BATCH),
          tensorGrowth: (live.at(-1) ?? 0) - live[0],
          cpuShare: cpuShare(start, ends[ends.length - 1]),
        },
      },
    ];
  },
};
