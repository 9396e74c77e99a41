#!/usr/bin/env node
/**
 * One sweep point on one rnnkit backend, run by the sweep in a process of its own so that the
 * process's peak resident set is this point's alone. Trains the char-lstm model (embedding 128,
 * LSTM `hidden`, linear to 65, Adam 2e-3) on random windows of tiny Shakespeare: `warmup` steps,
 * then timed steps until `budget` seconds have passed (at least `min-steps`), timed from block end
 * to block end once the Trainer's block size has settled (see pointWindow). Prints one line,
 * `SWEEP_RESULT {json}` (see PointResult).
 */
import { parseArgs } from 'node:util';
import { CharLM } from '@rnnkit/cells';
import { getBackend, manualSeed, Rng, setBackend } from '@rnnkit/core';
import { Adam, Trainer } from '@rnnkit/train';
import { loadShakespeare } from '../corpus-file.js';
import { type Clock, clock, cpuShare } from '../harness.js';
import { RandomWindows, shakespeareIds } from '../text.js';
import { charLoss } from '../workloads/char-lm.js';
import { BlockEnds, windowNote } from '../workloads/timed-span.js';
import { EMBEDDING } from './grid.js';
import { chosenWindow, pointWindow, UNSETTLED_BUDGETS, type WindowSpec } from './point-window.js';
import { type PointResult, RESULT_PREFIX } from './result.js';

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'js' },
    hidden: { type: 'string', default: '128' },
    seq: { type: 'string', default: '64' },
    batch: { type: 'string', default: '32' },
    budget: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '2' },
    'min-steps': { type: 'string', default: '2' },
    'steps-per-call': { type: 'string' },
  },
});
const num = (k: keyof typeof values) => Number(values[k]);
const point = { hidden: num('hidden'), seq: num('seq'), batch: num('batch') };
const budgetMs = num('budget') * 1000;
// Without it the Trainer sizes the calls (as the apps and the bench run by default).
const stepsPerCall = values['steps-per-call'] === undefined ? undefined : num('steps-per-call');
const spec: WindowSpec = { warmup: num('warmup'), minSteps: num('min-steps'), budgetMs };

// Only the asked-for backend's package is loaded, so that the resident set holds no other runtime.
const backendName = values.backend as string;
await import('@rnnkit/backend-js');
if (backendName.startsWith('onnx')) await import('@rnnkit/backend-onnx');
if (backendName.startsWith('tfjs')) await import('@rnnkit/backend-tfjs');
await setBackend(backendName);

const { vocab, ids } = shakespeareIds(loadShakespeare());
manualSeed(0);
const model = new CharLM({
  cell: 'lstm',
  vocabSize: vocab.size,
  embeddingDim: EMBEDDING,
  hiddenSize: point.hidden,
  rng: new Rng(0),
});
// More batches than any run takes: the timed steps end on the budget, through the signal.
const MAX_STEPS = 1_000_000;
const stop = new AbortController();
const started = clock();
// The step callbacks of a block all fire when the block ends, with the same clock.
const at: Clock[] = [];
const losses: number[] = [];
const ends = new BlockEnds();
const wallMs = (step: number) => at[step].wall;
await new Trainer().fit({
  model,
  optimizer: new Adam(model.parameters(), { lr: 2e-3 }),
  loss: charLoss(model),
  train: new RandomWindows(ids, point.batch, point.seq, MAX_STEPS, new Rng(1)),
  maxSteps: MAX_STEPS,
  tbptt: false,
  progress: 'none',
  stepsPerCall,
  signal: stop.signal,
  callbacks: [
    {
      onStep: ({ step, loss }) => {
        at[step] = clock();
        losses[step] = loss;
        ends.step(step);
        // ends.all holds the blocks before this one: the run stops one block after its window
        if (pointWindow(ends.all, wallMs, spec)) stop.abort();
        const past = at[step].wall - (at[spec.warmup]?.wall ?? Number.POSITIVE_INFINITY);
        if (past > UNSETTLED_BUDGETS * budgetMs + budgetMs) stop.abort();
      },
    },
  ],
});
const window = chosenWindow(ends.all, wallMs, spec);
if (!window) throw new Error('sweep point: no timed steps');
const [fromStep, toStep] = window.span;
const from = at[fromStep];
const to = at[toStep];
const timed = toStep - fromStep;
const seconds = (to.wall - from.wall) / 1000;
const result: PointResult = {
  runner: backendName,
  threads: getBackend().threads?.() ?? 1,
  ...point,
  warmup: fromStep,
  steps: timed,
  seconds,
  charsPerSec: (timed * point.batch * point.seq) / seconds,
  warmupSeconds: (from.wall - started.wall) / 1000,
  maxRssKiB: process.resourceUsage().maxRSS,
  loss: losses[toStep],
  cpuShare: cpuShare(from, to),
  ...(stepsPerCall === undefined
    ? { window: windowNote(ends.all, window.span, window.rule) }
    : { stepsPerCall }),
};
console.log(`${RESULT_PREFIX}${JSON.stringify(result)}`);
// The ONNX backend's worker thread would keep the process alive.
process.exit(0);
