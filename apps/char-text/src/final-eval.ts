import type { Module } from '@rnnkit/core';
import { CharStreamDataset, type TokenBatch } from '@rnnkit/data';
import { evaluate, type LossFn } from '@rnnkit/train';
import { InvalidArgumentError } from 'commander';

/**
 * How much of the validation split the model is scored on when a session ends: `auto` (the
 * default), the whole split, the first N characters, or nothing.
 */
export type FinalEval = 'auto' | 'full' | 'none' | number;

/** Parses `--final-eval`: full, none, auto or a positive number of characters. */
export function parseFinalEval(v: string): FinalEval {
  if (v === 'full' || v === 'none' || v === 'auto') return v;
  const n = Number(v.replace(/_/g, ''));
  if (v.trim() === '' || !Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(
      "--final-eval must be 'full', 'none' or a positive number of characters",
    );
  return n;
}

/**
 * Characters the final score covers, or undefined for none. `auto` scores as many characters as
 * this session trained on, at least the in-training validation's (`valChars`, 0: all) and at most
 * the split: forward passes cost less than training steps, so the score never takes longer than
 * the training it follows, and a long run is scored on the whole split.
 */
export function finalEvalChars(
  choice: FinalEval,
  o: { splitChars: number; sessionChars: number; valChars: number },
): number | undefined {
  if (choice === 'none') return undefined;
  if (choice === 'full') return o.splitChars;
  if (typeof choice === 'number') return Math.min(choice, o.splitChars);
  const floor = o.valChars > 0 ? o.valChars : o.splitChars;
  return Math.min(o.splitChars, Math.max(floor, o.sessionChars));
}

/** Streams of at least this many characters each, so the carried state warms up in a small part. */
const MIN_STREAM = 4096;
/** The most streams a final evaluation batch holds. */
const MAX_STREAMS = 256;

/**
 * The first `chars` characters of the split (ids), in streams of `seq`: as many streams as keep
 * each one at least MIN_STREAM characters long (up to MAX_STREAMS, never fewer than the training
 * batch allows), so a long split is read in large forward-only batches.
 */
export function finalEvalData(
  ids: Int32Array,
  chars: number,
  o: { seq: number; batch: number },
): CharStreamDataset {
  const part = ids.subarray(0, Math.min(ids.length, chars + 1));
  const seq = Math.max(1, Math.min(o.seq, part.length - 1));
  const fit = Math.max(1, Math.floor((part.length - 1) / seq));
  const streams = Math.min(
    fit,
    Math.max(o.batch, Math.min(MAX_STREAMS, Math.floor((part.length - 1) / MIN_STREAM))),
  );
  return new CharStreamDataset(part, { batchSize: streams, seqLength: seq });
}

/** Where the scoring's progress goes: batches done of the total, each `chars` characters. */
export type ScoreProgress = (done: number, total: number, charsPerBatch: number) => void;

/** Mean loss of the model over `data` (state carried), reporting after each batch. */
export function scoreWithProgress(
  model: Module,
  loss: LossFn<TokenBatch>,
  data: CharStreamDataset,
  progress: ScoreProgress,
): Promise<number> {
  const total = data.numBatches();
  const perBatch = data.layout.batchSize * data.layout.seqLength;
  progress(0, total, perBatch);
  return evaluate(model, loss, data, true, (done) => progress(done, total, perBatch));
}
