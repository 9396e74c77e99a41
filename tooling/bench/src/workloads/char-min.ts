import { streamBatches } from '@rnnkit/data';
import type { BenchContext, BenchRow, Workload } from '../harness.js';
import { shakespeareIds } from '../text.js';
import { trainCharLM } from './char-lm.js';

const BATCH = 32;
const TIME = 64;
const HIDDEN = 256;
const LR = 2e-3;
/** The cells compared: LSTM against the two cells whose sequences run as a parallel scan. */
const CELLS = ['lstm', 'mingru', 'minlstm'];
/** Backends too slow for the 200-step loss runs (as char-lstm). */
const NO_LOSS_RUN = new Set(['tfjs-cpu']);

/**
 * minGRU and minLSTM against LSTM at hidden 256: the same CharLM, data and optimizer as
 * char-lstm but twice its hidden size, one row per cell.
 */
export const charMinWorkload: Workload = {
  name: 'char-min',
  description: `tiny Shakespeare, CharLM emb 128 + ${CELLS.join(' / ')} ${HIDDEN}, batch 32 × seq 64 contiguous streams with TBPTT carry, Adam 2e-3: train chars/s over 20 steps after 3 warm-up and the loss after 200 steps (not on tfjs-cpu), per cell (quick: 1 + 3 steps)`,
  async run(ctx: BenchContext) {
    const { vocab, ids } = shakespeareIds(ctx.corpus());
    const rows: BenchRow[] = [];
    for (const cell of CELLS)
      rows.push(
        await trainCharLM({
          stepsPerCall: ctx.stepsPerCall,
          workload: `char-min (${cell})`,
          backend: ctx.backend,
          model: { cell, vocabSize: vocab.size, embeddingDim: 128, hiddenSize: HIDDEN },
          lr: LR,
          data: streamBatches(ids, { batchSize: BATCH, seqLength: TIME }),
          batch: BATCH,
          time: TIME,
          tbptt: true,
          warmup: ctx.quick ? 1 : 3,
          measure: ctx.quick ? 3 : 20,
          lossSteps: ctx.quick || NO_LOSS_RUN.has(ctx.backend) ? 0 : 200,
          notes: { data: 'contiguous streams + TBPTT carry', hidden: HIDDEN },
        }),
      );
    return rows;
  },
};
