import type { CharLMOptions } from '@rnnkit/cells';
import { streamBatches } from '@rnnkit/data';
import type { BenchContext, Workload } from '../harness.js';
import { shakespeareIds } from '../text.js';
import { trainCharLM } from './char-lm.js';

const BATCH = 32;
const TIME = 64;
const LR = 2e-3;
/**
 * Backends too slow for the 200-step loss run (it would take most of a `--backend all` run):
 * tfjs-cpu, and tfjs-webgl in the browser bench, where headless Chromium without a GPU runs
 * WebGL on SwiftShader (2.6 s a step on the 2-core machine).
 */
const NO_LOSS_RUN = new Set(['tfjs-cpu', 'tfjs-webgl']);

/** The char-lstm model: embedding 65→128, LSTM 128, linear to 65. */
export function charLstmOptions(vocabSize: number, fused = true): CharLMOptions {
  return { cell: 'lstm', vocabSize, embeddingDim: 128, hiddenSize: 128, fused };
}

function charLstm(name: string, label: string, fused: boolean): Workload {
  return {
    name,
    description: `tiny Shakespeare, CharLM emb 128 + LSTM 128 (${fused ? 'fused' : 'composed'} cell kernels), batch 32 × seq 64 contiguous streams with TBPTT carry, Adam 2e-3: train chars/s over 20 steps after 3 warm-up${fused ? ', loss after 200 steps (not on tfjs-cpu)' : ''} (quick: 1 + 3 steps)`,
    async run(ctx: BenchContext) {
      const { vocab, ids } = shakespeareIds(ctx.corpus());
      const row = await trainCharLM({
        stepsPerCall: ctx.stepsPerCall,
        workload: label,
        backend: ctx.backend,
        model: charLstmOptions(vocab.size, fused),
        lr: LR,
        data: streamBatches(ids, { batchSize: BATCH, seqLength: TIME }),
        batch: BATCH,
        time: TIME,
        tbptt: true,
        warmup: ctx.quick ? 1 : 3,
        measure: ctx.quick ? 3 : 20,
        // The composed cells compute the same function; their 200-step loss would only repeat
        // the fused row's (and double the run), so they stop after the timed steps. So does
        // tfjs-cpu, where 200 steps take about 9 minutes (2.7 s a step): its loss at the last
        // timed step matching the other backends' is the consistency check there.
        lossSteps: ctx.quick || !fused || NO_LOSS_RUN.has(ctx.backend) ? 0 : 200,
        notes: {
          data: 'contiguous streams + TBPTT carry',
          ...(fused && !ctx.quick && NO_LOSS_RUN.has(ctx.backend)
            ? { lossRun: `skipped on ${ctx.backend} (200 steps take minutes)` }
            : {}),
        },
      });
      return [row];
    },
  };
}

export const charLstmWorkload = charLstm('char-lstm', 'char-lstm', true);
export const charLstmComposedWorkload = charLstm(
  'char-lstm-composed',
  'char-lstm (composed)',
  false,
);
