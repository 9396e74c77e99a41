import { CharLM, type CharLMOptions, type LayerState } from '@rnnkit/cells';
import { manualSeed, Rng, type Tensor } from '@rnnkit/core';
import type { TokenBatch } from '@rnnkit/data';
import { Adam, type BatchSource, type Carry, crossEntropy, Trainer } from '@rnnkit/train';
import { type BenchRow, type Clock, clock, cpuShare, liveTensors, mean } from '../harness.js';

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
  /** The Trainer's stepsPerCall (default 1). */
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
  const s = aligned(spec);
  manualSeed(0);
  const model = new CharLM({ ...s.model, rng: new Rng(0) });
  const measured = s.warmup + s.measure;
  const steps = Math.max(measured, s.lossSteps);
  if (s.data.numBatches() < steps)
    throw new Error(`${s.workload}: the data has only ${s.data.numBatches()} batches`);
  const at: Clock[] = [];
  const live: number[] = [];
  const fit = await new Trainer().fit({
    model,
    optimizer: new Adam(model.parameters(), { lr: s.lr }),
    loss: charLoss(model),
    train: s.data,
    maxSteps: steps,
    tbptt: s.tbptt,
    progress: 'none',
    stepsPerCall: s.stepsPerCall,
    callbacks: [
      {
        onStep: ({ step }) => {
          at[step] = clock();
          if (step === s.warmup || step === steps) live.push(liveTensors());
        },
      },
    ],
  });
  const seconds = (at[measured].wall - at[s.warmup].wall) / 1000;
  const chars = s.measure * s.batch * s.time;
  const losses = fit.trainLoss.map((l) => l.loss);
  const notes: Record<string, number | string> = {
    msPerStep: (seconds * 1000) / s.measure,
    steps: `${s.warmup} warm-up + ${s.measure} timed`,
  };
  if (s.lossSteps > 0)
    notes[`loss@${s.lossSteps}`] = mean(losses.slice(s.lossSteps - 10, s.lossSteps));
  else notes[`loss@${measured}`] = losses[measured - 1];
  notes.tensorGrowth = live[1] - live[0];
  if (s.stepsPerCall && s.stepsPerCall > 1) notes.stepsPerCall = s.stepsPerCall;
  notes.cpuShare = cpuShare(at[s.warmup], at[measured]);
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
  const k = s.stepsPerCall ?? 1;
  if (k === 1) return s;
  const first = s.tbptt ? 1 : 0;
  const up = (n: number) => Math.ceil(n / k) * k;
  return { ...s, warmup: first + up(s.warmup - first), measure: up(s.measure) };
}

const aligned = (s: CharTrainSpec): CharTrainSpec => alignedSpan(s);
