import { Rng } from '@rnnkit/core';
import type { Workload } from '../harness.js';
import { RandomWindows, shakespeareIds } from '../text.js';
import { alignedSpan, trainCharLM } from './char-lm.js';

const TIME = 100;

/**
 * The model of the widely copied PyTorch char-GRU example the issue names: embedding
 * 65→256, 2-layer GRU 256, linear to 65, one random 100-character chunk per step, state from zero.
 */
export const charGruB1Workload: Workload = {
  name: 'char-gru-b1',
  description:
    'tiny Shakespeare, CharLM emb 256 + 2-layer GRU 256, batch 1 × seq 100 random chunks, Adam 1e-3: train chars/s over 10 steps after 3 warm-up (quick: 1 + 3)',
  async run(ctx) {
    const { vocab, ids } = shakespeareIds(ctx.corpus());
    const warmup = ctx.quick ? 1 : 3;
    const measure = ctx.quick ? 3 : 10;
    // a chunk per step, the timed window widened to whole blocks with several steps per call
    const span = alignedSpan({ warmup, measure, tbptt: false, stepsPerCall: ctx.stepsPerCall });
    const row = await trainCharLM({
      stepsPerCall: ctx.stepsPerCall,
      workload: 'char-gru-b1',
      backend: ctx.backend,
      model: {
        cell: 'gru',
        vocabSize: vocab.size,
        embeddingDim: 256,
        hiddenSize: 256,
        numLayers: 2,
      },
      lr: 1e-3,
      data: new RandomWindows(ids, 1, TIME, span.warmup + span.measure, new Rng(1)),
      batch: 1,
      time: TIME,
      tbptt: false,
      warmup,
      measure,
      lossSteps: 0,
      notes: { data: 'random chunks, zero state' },
    });
    return [row];
  },
};
