import type { LayersModel, Sequential, SequentialArgs, Tensor } from '@tensorflow/tfjs';
import type { BenchContext } from '../../harness.js';
import type { TfModule } from '../../tfjs-layers-api.js';

/** TensorFlow.js for a peer workload: the runner made the asked backend active and passed tf. */
export function layersSetup(ctx: BenchContext): TfModule {
  if (!ctx.tf)
    throw new Error(
      `${ctx.backend}: a tfjs-layers peer needs TensorFlow.js in its context (ctx.tf); run it through rnnkit-bench --backend tfjs-layers-wasm or the browser bench`,
    );
  return ctx.tf;
}

/**
 * Seeded initializers for a recurrent layer, so that runs repeat (the values do not change a
 * step's cost): glorotUniform kernel and, with `orthogonal`, the Keras-default orthogonal
 * recurrent kernel. The char models take glorotUniform for the recurrent kernel too:
 * tfjs-layers' orthogonal initializer runs a QR decomposition through tf ops that builds the
 * full m×m Q, about 33 s for LSTM 128's 128×512 kernel on tfjs-cpu (0.7 s on wasm) and minutes
 * for the GRU's 256×768 kernels.
 */
export function rnnInit(tf: TfModule, seed: number, orthogonal = false) {
  return {
    kernelInitializer: tf.initializers.glorotUniform({ seed }),
    recurrentInitializer: orthogonal
      ? tf.initializers.orthogonal({ seed: seed + 1 })
      : tf.initializers.glorotUniform({ seed: seed + 1 }),
  };
}

export function denseInit(tf: TfModule, seed: number) {
  return { kernelInitializer: tf.initializers.glorotUniform({ seed }) };
}

export interface LayersCharModel {
  cell: 'lstm' | 'gru';
  vocabSize: number;
  embeddingDim: number;
  hiddenSize: number;
  numLayers: number;
  /** Fixed batch and sequence length (stateful layers need the batch size). */
  batch: number;
  time: number;
  /** Keep the state across calls (`stateful: true`): char-rnn style truncated BPTT. */
  stateful: boolean;
}

/**
 * The char model for training, as a tfjs-layers Sequential: one-hot input → dense(emb, no bias)
 * (the embedding) → `numLayers` × LSTM/GRU(hidden, returnSequences) → dense(vocab, softmax).
 *
 * The embedding is a bias-free dense layer on one-hot input — the same function as
 * `tf.layers.embedding` — because training through `tf.layers.embedding` fails on tfjs-wasm (its
 * gradient needs `UnsortedSegmentSum`, which the wasm backend does not have) and is slower on
 * tfjs-cpu (about 9 s instead of 5–7 s per char-lstm step here). The cells use the PyTorch /
 * rnnkit gate activation (`recurrentActivation: 'sigmoid'`; tfjs-layers defaults to
 * `hardSigmoid`). tfjs-layers' GRU only has `reset_after = false` (the reset gate applied before
 * the recurrent matrix product); rnnkit's GRU is PyTorch's (`reset_after = true`).
 */
export function charTrainModel(tf: TfModule, o: LayersCharModel): Sequential {
  const layers: NonNullable<SequentialArgs['layers']> = [
    tf.layers.dense({
      units: o.embeddingDim,
      useBias: false,
      batchInputShape: [o.batch, o.time, o.vocabSize],
      ...denseInit(tf, 1),
    }),
  ];
  for (let l = 0; l < o.numLayers; l++) {
    const args = {
      units: o.hiddenSize,
      returnSequences: true,
      stateful: o.stateful,
      recurrentActivation: 'sigmoid' as const,
      ...rnnInit(tf, 10 + 2 * l),
    };
    layers.push(o.cell === 'lstm' ? tf.layers.lstm(args) : tf.layers.gru(args));
  }
  layers.push(tf.layers.dense({ units: o.vocabSize, activation: 'softmax', ...denseInit(tf, 2) }));
  return tf.sequential({ layers });
}

/**
 * One-hot float32 [batch, time, vocab] input and [batch, time, 1] sparse targets (float32:
 * tfjs-layers' sparseCategoricalCrossentropy floors them, which int32 tensors refuse).
 */
export function charTensors(
  tf: TfModule,
  x: Int32Array,
  y: Int32Array,
  o: Pick<LayersCharModel, 'batch' | 'time' | 'vocabSize'>,
): { xs: Tensor; ys: Tensor } {
  return tf.tidy(() => ({
    xs: tf.oneHot(tf.tensor2d(x, [o.batch, o.time], 'int32'), o.vocabSize, 1, 0, 'float32'),
    ys: tf.tensor3d(Float32Array.from(y), [o.batch, o.time, 1]),
  }));
}

/** Frees a model's weights and its optimizer's slots (the next workload starts clean). */
export function disposeModel(model: LayersModel): void {
  model.optimizer?.dispose();
  model.dispose();
}
