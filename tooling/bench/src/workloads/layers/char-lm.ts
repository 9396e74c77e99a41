import { Rng } from '@rnnkit/core';
import { streamBatches } from '@rnnkit/data';
import { type BenchRow, type Clock, clock, cpuShare, type Workload } from '../../harness.js';
import { type IdBatch, RandomWindows, shakespeareIds } from '../../text.js';
import { type TfModule, tfTensors } from '../../tfjs-layers-api.js';
import {
  charTensors,
  charTrainModel,
  disposeModel,
  type LayersCharModel,
  layersSetup,
} from './common.js';

interface LayersCharSpec {
  workload: string;
  backend: string;
  tf: TfModule;
  model: LayersCharModel;
  lr: number;
  /** Batch k of the data, as character ids. */
  data: (k: number) => IdBatch;
  warmup: number;
  measure: number;
  notes?: Record<string, number | string>;
}

/**
 * Trains a tfjs-layers char model the Keras way — `compile` with `tf.train.adam` and
 * `sparseCategoricalCrossentropy` (softmax output), then `await model.trainOnBatch(x, y)` per
 * step, which returns the loss as a number — and times it as `trainCharLM` times rnnkit:
 * characters/second over `measure` steps after `warmup`, each step including the making of its
 * batch tensors. `trainOnBatch` is the layers API's one-step call; `fit` on a dataset would
 * add per-batch callbacks on top of the same step.
 */
async function trainLayersChar(s: LayersCharSpec): Promise<BenchRow> {
  const { tf } = s;
  const model = charTrainModel(tf, s.model);
  model.compile({ optimizer: tf.train.adam(s.lr), loss: 'sparseCategoricalCrossentropy' });
  const at: Clock[] = [clock()];
  const live: number[] = [];
  const losses: number[] = [];
  const steps = s.warmup + s.measure;
  for (let k = 0; k < steps; k++) {
    const { x, y } = s.data(k);
    const { xs, ys } = charTensors(tf, x, y, s.model);
    losses.push((await model.trainOnBatch(xs, ys)) as number);
    tf.dispose([xs, ys]);
    at.push(clock());
    if (k + 1 === s.warmup || k + 1 === steps) live.push(tfTensors(tf));
  }
  disposeModel(model);
  const seconds = (at[steps].wall - at[s.warmup].wall) / 1000;
  const { batch, time } = s.model;
  return {
    workload: s.workload,
    backend: s.backend,
    metric: 'training throughput',
    value: (s.measure * batch * time) / seconds,
    unit: 'chars/s',
    notes: {
      msPerStep: (seconds * 1000) / s.measure,
      steps: `${s.warmup} warm-up + ${s.measure} timed`,
      [`loss@${steps}`]: losses[steps - 1],
      tensorGrowth: live[1] - live[0],
      cpuShare: cpuShare(at[s.warmup], at[steps]),
      ...s.notes,
    },
  };
}

/** On tfjs-cpu a step takes seconds (20–40 s for char-gru-b1): far fewer steps there. */
function isCpu(backend: string): boolean {
  return backend === 'tfjs-layers-cpu';
}

export const layersCharLstm: Workload = {
  name: 'char-lstm',
  description:
    'tfjs-layers peer: Sequential one-hot → dense 128 (the embedding) → LSTM 128 (stateful) → dense 65 softmax, batch 32 × seq 64 contiguous streams, Adam 2e-3, trainOnBatch: chars/s over 20 steps after 3 warm-up (cpu: 5 after 1; quick: 3 after 1, cpu 1 after 1)',
  async run(ctx) {
    const { vocab, ids } = shakespeareIds(ctx.corpus());
    const streams = streamBatches(ids, { batchSize: 32, seqLength: 64 });
    const cpu = isCpu(ctx.backend);
    const row = await trainLayersChar({
      workload: 'char-lstm',
      backend: ctx.backend,
      tf: layersSetup(ctx),
      model: {
        cell: 'lstm',
        vocabSize: vocab.size,
        embeddingDim: 128,
        hiddenSize: 128,
        numLayers: 1,
        batch: 32,
        time: 64,
        stateful: true,
      },
      lr: 2e-3,
      data: (k) => streams.chunk(k),
      warmup: cpu || ctx.quick ? 1 : 3,
      measure: ctx.quick ? (cpu ? 1 : 3) : cpu ? 5 : 20,
      notes: {
        data: 'contiguous streams + stateful carry',
        embedding: 'one-hot + dense',
      },
    });
    return [row];
  },
};

export const layersCharGruB1: Workload = {
  name: 'char-gru-b1',
  description:
    'tfjs-layers peer: Sequential one-hot → dense 256 (the embedding) → 2 × GRU 256 (reset_after=false) → dense 65 softmax, batch 1 × seq 100 random chunks, Adam 1e-3, trainOnBatch: chars/s over 10 steps after 3 warm-up (cpu: 2 after 1; quick: 3 after 1, skipped on cpu)',
  async run(ctx) {
    const { vocab, ids } = shakespeareIds(ctx.corpus());
    const cpu = isCpu(ctx.backend);
    if (ctx.quick && cpu) {
      // One step takes 20–40 s here, a third of a quick run; the wasm peer runs the same code.
      console.log('char-gru-b1 on tfjs-layers-cpu: skipped in --quick (one step takes 20–40 s)');
      return [];
    }
    const warmup = ctx.quick || cpu ? 1 : 3;
    const measure = ctx.quick ? 3 : cpu ? 2 : 10;
    const chunks = new RandomWindows(ids, 1, 100, warmup + measure, new Rng(1));
    const row = await trainLayersChar({
      workload: 'char-gru-b1',
      backend: ctx.backend,
      tf: layersSetup(ctx),
      model: {
        cell: 'gru',
        vocabSize: vocab.size,
        embeddingDim: 256,
        hiddenSize: 256,
        numLayers: 2,
        batch: 1,
        time: 100,
        stateful: false,
      },
      lr: 1e-3,
      data: () => chunks.nextIdBatch(),
      warmup,
      measure,
      notes: {
        data: 'random chunks, zero state',
        embedding: 'one-hot + dense',
        gru: 'reset_after=false',
      },
    });
    return [row];
  },
};
