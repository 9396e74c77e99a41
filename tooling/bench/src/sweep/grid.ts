/**
 * The sweep's grid: which model sizes it trains, how they are named, and how much arithmetic a
 * training step of each takes (the yardstick for estimating a point's time before running it).
 */

/** One grid point: a char LSTM of `hidden` units trained on batches of `batch` × `seq` chars. */
export interface SweepPoint {
  hidden: number;
  seq: number;
  batch: number;
}

/** The grid. */
export const DEFAULT_GRID = {
  hidden: [128, 256, 512, 1024],
  seq: [64, 256, 1024],
  batch: [1, 32, 128],
} as const;

/** The model around the LSTM, as in char-lstm: tiny Shakespeare's 65 chars, embedding 128. */
export const VOCAB = 65;
export const EMBEDDING = 128;

/** Sizes above this are refused: a typo (an extra 0) would otherwise ask for gigabytes. */
const MAX_SIZE = 1 << 16;

/**
 * Parses a comma-separated list of whole numbers (`--hidden 128,256`), in the order given,
 * without repeats. `option` names the flag in the error.
 */
export function parseSizes(option: string, text: string): number[] {
  const parts = text.split(',').map((p) => p.trim());
  const sizes: number[] = [];
  for (const p of parts) {
    const n = Number(p);
    if (p === '' || !Number.isInteger(n) || n < 1 || n > MAX_SIZE) {
      throw new Error(
        `--${option} takes whole numbers from 1 to ${MAX_SIZE} separated by commas ` +
          `(e.g. --${option} 128,256); got '${text}'`,
      );
    }
    if (!sizes.includes(n)) sizes.push(n);
  }
  return sizes;
}

/** The grid's sizes from the options given (each flag repeatable), the grid otherwise. */
export function gridSizes(options: {
  hidden?: readonly string[];
  seq?: readonly string[];
  batch?: readonly string[];
}): { hidden: number[]; seq: number[]; batch: number[] } {
  const pick = (name: 'hidden' | 'seq' | 'batch'): number[] => {
    const given = options[name] ?? [];
    return given.length ? parseSizes(name, given.join(',')) : [...DEFAULT_GRID[name]];
  };
  return { hidden: pick('hidden'), seq: pick('seq'), batch: pick('batch') };
}

/** Every point of the grid, hidden size outermost and batch innermost. */
export function gridPoints(sizes: {
  hidden: readonly number[];
  seq: readonly number[];
  batch: readonly number[];
}): SweepPoint[] {
  return sizes.hidden.flatMap((hidden) =>
    sizes.seq.flatMap((seq) => sizes.batch.map((batch) => ({ hidden, seq, batch }))),
  );
}

export function pointName(p: SweepPoint): string {
  return `h${p.hidden} s${p.seq} b${p.batch}`;
}

export function charsPerStep(p: SweepPoint): number {
  return p.seq * p.batch;
}

/**
 * Floating-point operations of one training step, counting the products only (the rest is linear
 * in hidden and small beside them): the LSTM's input and recurrent products (4·hidden outputs
 * from embedding + hidden inputs) and the output layer (vocabulary from hidden), each 2 flops a
 * multiply-add forward and twice that backward.
 */
export function flopsPerStep(p: SweepPoint): number {
  const perChar = 6 * (4 * p.hidden * (EMBEDDING + p.hidden) + VOCAB * p.hidden);
  return perChar * charsPerStep(p);
}
