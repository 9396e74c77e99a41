import type { Rng } from '@rnnkit/core';
import type { Tensor } from '@tensorflow/tfjs';
import type { Workload } from '../../harness.js';
import { sampleIndex, shakespeareIds } from '../../text.js';
import { tfTensors } from '../../tfjs-layers-api.js';
import { CHARS, timeSampling } from '../generate.js';
import { denseInit, disposeModel, layersSetup, rnnInit } from './common.js';

/**
 * The generate peer: the char-lstm model as a **stateful** tfjs-layers Sequential with batch
 * input shape [1, 1] (embedding 65→128, LSTM 128, dense 65 softmax), run one character at a
 * time — the layer carries h and c between calls; `resetStates()` starts every run from zeros.
 * Each step is `model.apply(x)` on a concrete tensor (eager execution), the fastest of the
 * public calls here: about 2,200 chars/s against 2,070 for `predictOnBatch` and 1,720 for
 * `predict`, whose batching and input checks cost ~0.1 ms a call. The draw is on the host from
 * a seeded Rng, as in the rnnkit workload. Forward only, so `tf.layers.embedding` works on wasm.
 */
export const layersGenerate: Workload = {
  name: 'generate',
  description:
    'tfjs-layers peer: stateful Sequential (embedding 128, LSTM 128, dense 65 softmax), batch [1, 1], model.apply per char with carried state, 500 chars after 5,000 of warm-up: chars/s (median of 5 runs; quick: 1)',
  async run(ctx) {
    const tf = layersSetup(ctx);
    const { vocab } = shakespeareIds(ctx.corpus());
    const model = tf.sequential({
      layers: [
        tf.layers.embedding({
          inputDim: vocab.size,
          outputDim: 128,
          batchInputShape: [1, 1],
          embeddingsInitializer: tf.initializers.randomUniform({
            minval: -0.05,
            maxval: 0.05,
            seed: 1,
          }),
        }),
        tf.layers.lstm({
          units: 128,
          stateful: true,
          recurrentActivation: 'sigmoid',
          ...rnnInit(tf, 10),
        }),
        tf.layers.dense({ units: vocab.size, activation: 'softmax', ...denseInit(tf, 2) }),
      ],
    });
    const start = vocab.chars.indexOf('\n');
    /** Samples n characters from a newline, state from zeros; returns the milliseconds it took. */
    const sample = (n: number, rng: Rng): number => {
      let token = start;
      const t0 = performance.now();
      model.resetStates();
      for (let i = 0; i < n; i++) {
        const probs = tf.tidy(() =>
          (model.apply(tf.tensor2d([token], [1, 1], 'int32')) as Tensor).dataSync(),
        );
        token = sampleIndex(probs, rng);
      }
      return performance.now() - t0;
    };
    // warm-up and timing as for rnnkit (see generate.ts)
    const { value, notes } = await timeSampling(sample, ctx.quick, () => tfTensors(tf));
    disposeModel(model);
    return [
      {
        workload: 'generate',
        backend: ctx.backend,
        metric: `sampling throughput (${CHARS} chars, batch 1)`,
        value,
        unit: 'chars/s',
        notes: { ...notes, state: 'stateful model, apply per char' },
      },
    ];
  },
};
