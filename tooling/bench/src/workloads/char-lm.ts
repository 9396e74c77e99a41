import { CharLM, type CharLMOptions, type LayerState } from '@rnnkit/cells';
import { manualSeed, Rng, type Tensor } from '@rnnkit/core';
import type { TokenBatch } from '@rnnkit/data';
import { Adam, type BatchSource, type Carry, crossEntropy, Trainer } from '@rnnkit/train';
import { type BenchRow, type Clock, clock, cpuShare, liveTensors, mean } from '../harness.js';
import { BlockEnds, SETTLE_BLOCKS, timedSpan, windowNote } from './timed-span.js';

export interface CharTrainSpec {
  workload: string;
  backend: string;
  model: CharLMOptions;
  lr: number;
  data: BatchSource<TokenBatch>;
  batch: number;
  time: number;
  /** Carry the state across batches (contiguous streams) or start every batch from zeros. */
  tbptt: boolean;
  warmup: number;
  measure: number;
  /** Train on to this many steps and report the mean loss of the last 10 (0: stop after measuring). */
  lossSteps: number;
  /** The Trainer's stepsPerCall (default: the Trainer sizes the calls; see alignedSpan). */
  stepsPerCall?: number;
  notes?: Record<string, number | string>;
}

/** The loss of a CharLM on one batch, returning the final state for truncated BPTT. */
export function charLoss(model: CharLM) {
  return (b: TokenBatch, carry: Carry | undefined): { loss: Tensor; carry: Carry } => {
    const { logits, state } = model.forward(b.x, carry as LayerState | undefined);
    return { loss: crossEntropy(logits, b.y), carry: { h: state.h, c: state.c } };
  };
}

/**
 * Trains a CharLM with the Trainer (Adam, cross-entropy) and times it from the step callback:
 * characters/second over `measure` steps after `warmup` steps, then optionally the loss after
 * `lossSteps` steps.
 */
export async function trainCharLM(spec: CharTrainSpec): Promise<BenchRow> {
  const auto = spec.stepsPerCall === undefined;
  const s = aligned(spec);
  manualSeed(0);
  const model = new CharLM({ ...s.model, rng: new Rng(0) });
  const steps = Math.max(s.warmup + s.measure, s.lossSteps);
  if (s.data.numBatches() < steps)
    throw new Error(`${s.workload}: the data has only ${s.data.numBatches()} batches`);
  const at: Clock[] = [];
  const live: number[] = [];
  const ends = new BlockEnds();
  const stop = new AbortController();
  const fit = await new Trainer().fit({
    model,
    optimizer: new Adam(model.parameters(), { lr: s.lr }),
    loss: charLoss(model),
    train: s.data,
    maxSteps: steps,
    tbptt: s.tbptt,
    progress: 'none',
    stepsPerCall: s.stepsPerCall,
    signal: auto && s.lossSteps === 0 ? stop.signal : undefined,
    callbacks: [
      {
        onStep: ({ step }) => {
          at[step] = clock();
          if (!auto && (step === s.warmup || step === steps)) live[step] = liveTensors();
          if (auto) ends.step(step);
          if (auto && s.lossSteps === 0 && timedSpan(ends.all, spec)) stop.abort();
        },
      },
    ],
  });
  // the window's ends are block ends: there the clock has seen every step before them
  const settled = auto ? timedSpan(ends.all, spec) : null;
  const [from, to] = auto
    ? (settled ?? timedSpan(ends.all, spec, false) ?? [0, 0])
    : [s.warmup, s.warmup + s.measure];
  if (to <= from) throw new Error(`${s.workload}: no whole block of steps after the warm-up`);
  if (auto) Object.assign(live, ends.live);
  const seconds = (at[to].wall - at[from].wall) / 1000;
  const measured = to;
  const chars = (to - from) * s.batch * s.time;
  const losses = fit.trainLoss.map((l) => l.loss);
  const notes: Record<string, number | string> = {
    msPerStep: (seconds * 1000) / (to - from),
    steps: `${from} warm-up + ${to - from} timed`,
  };
  if (s.lossSteps > 0)
    notes[`loss@${s.lossSteps}`] = mean(losses.slice(s.lossSteps - 10, s.lossSteps));
  else notes[`loss@${measured}`] = losses[measured - 1];
  notes.tensorGrowth = live[fit.steps] - live[from];
  notes.stepsPerCall = s.stepsPerCall ?? 'auto';
  if (auto) notes.window = windowNote(ends.all, [from, to], settled ? 'one size' : 'any');
  notes.cpuShare = cpuShare(at[from], at[measured]);
  return {
    workload: s.workload,
    backend: s.backend,
    metric: 'training throughput',
    value: chars / seconds,
    unit: 'chars/s',
    notes: { ...notes, ...s.notes },
  };
}

/**
 * With several steps per call the step callbacks of a block all fire when the block ends, so the
 * timed window must start and end at block ends: whole blocks of `stepsPerCall`, which start
 * after the first step when the state is carried (that step runs alone: there is no state yet).
 */
export function alignedSpan<
  S extends Pick<CharTrainSpec, 'warmup' | 'measure' | 'tbptt' | 'stepsPerCall'>,
>(s: S): S {
  if (s.stepsPerCall === undefined) return { ...s, measure: s.measure + AUTO_SLACK };
  const k = s.stepsPerCall;
  if (k === 1) return s;
  const first = s.tbptt ? 1 : 0;
  const up = (n: number) => Math.ceil(n / k) * k;
  // at least SETTLE_BLOCKS blocks before the window, as for the Trainer's own sizes
  const warmup = first + Math.max(up(s.warmup - first), SETTLE_BLOCKS * k);
  return { ...s, warmup, measure: up(s.measure) };
}

const aligned = (s: CharTrainSpec): CharTrainSpec => alignedSpan(s);

/**
 * Steps past the asked window that a run sized by the Trainer may need: its timed window starts
 * and ends at block ends, each up to one block (at most 64 steps) later than asked.
 */
export const AUTO_SLACK = 128;
