import { checkOptions, describeValue, type OptionKeys, RnnkitError, tensor } from '@rnnkit/core';
import type { Batch, Dataset } from './dataset.js';
import { epochOrder } from './order.js';

/** Row-major examples: `inputs` is `[count, window · features]`, `targets` is `[count, horizon]`. */
export interface WindowData {
  inputs: Float32Array;
  targets: Float32Array;
  count: number;
}

export interface WindowDatasetOptions {
  /** Examples per batch (a positive integer). */
  batchSize: number;
  /** Shuffle the examples every epoch (seeded by `seed` and the epoch). Default false. */
  shuffle?: boolean;
  /** Seed of the shuffle. Default 0. */
  seed?: number;
  /** Drop the last batch when it has fewer than `batchSize` examples. Default false. */
  dropLast?: boolean;
  /** Values per time step; each input row holds `window · features` values, time-major. Default 1. */
  features?: number;
}

const KEYS: OptionKeys<WindowDatasetOptions> = {
  batchSize: 'required',
  shuffle: 'optional',
  seed: 'optional',
  dropLast: 'optional',
  features: 'optional',
};

function check(ok: boolean, message: string): void {
  if (!ok) throw new RnnkitError(`WindowDataset: ${message}`);
}

/**
 * Windowed forecasting examples as a `Dataset`: each batch has `x` `[B, window, features]` and
 * `y` `[B, horizon]` (float32, on the current backend). Takes the output of `slidingWindows`
 * or `splitWindows` directly. With `shuffle`, each epoch visits every example exactly once in an
 * order fixed by `(seed, epoch)`; the last partial batch is kept unless `dropLast`.
 */
export class WindowDataset implements Dataset<Batch> {
  readonly size: number;
  readonly window: number;
  readonly horizon: number;
  readonly features: number;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly seed: number;
  readonly dropLast: boolean;
  readonly #inputs: Float32Array;
  readonly #targets: Float32Array;

  constructor(data: WindowData, options: WindowDatasetOptions) {
    checkOptions('WindowDataset', options, KEYS);
    check(
      typeof data === 'object' && data !== null,
      `expected the windows { inputs, targets, count } (slidingWindows or splitWindows), got ${describeValue(data)}`,
    );
    const { inputs, targets, count } = data;
    const { batchSize, shuffle = false, seed = 0, dropLast = false, features = 1 } = options;
    check(Number.isInteger(count) && count >= 1, `count must be a positive integer, got ${count}`);
    check(
      Number.isInteger(batchSize) && batchSize >= 1,
      `batchSize must be a positive integer, got ${batchSize}`,
    );
    check(
      Number.isInteger(features) && features >= 1,
      `features must be a positive integer, got ${features}`,
    );
    const rowIn = inputs.length / count;
    check(
      Number.isInteger(rowIn) && rowIn % features === 0 && rowIn > 0,
      `inputs has ${inputs.length} values, which is not count ${count} × window × features ${features}`,
    );
    const horizon = targets.length / count;
    check(
      Number.isInteger(horizon) && horizon > 0,
      `targets has ${targets.length} values, which is not count ${count} × horizon`,
    );
    this.size = count;
    this.window = rowIn / features;
    this.horizon = horizon;
    this.features = features;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.seed = seed;
    this.dropLast = dropLast;
    this.#inputs = inputs;
    this.#targets = targets;
  }

  numBatches(): number {
    return this.dropLast
      ? Math.floor(this.size / this.batchSize)
      : Math.ceil(this.size / this.batchSize);
  }

  /** The example order of one epoch (what `batches(epoch)` follows). */
  order(epoch: number): Int32Array {
    return epochOrder(this.size, this.shuffle, this.seed, epoch);
  }

  batches(epoch: number): Iterable<Batch> {
    const order = this.order(epoch);
    return { [Symbol.iterator]: () => this.#generate(order) };
  }

  *#generate(order: Int32Array): Generator<Batch> {
    const rowIn = this.window * this.features;
    const rowOut = this.horizon;
    const n = this.numBatches();
    for (let b = 0; b < n; b++) {
      const start = b * this.batchSize;
      const rows = Math.min(this.batchSize, this.size - start);
      const x = new Float32Array(rows * rowIn);
      const y = new Float32Array(rows * rowOut);
      for (let r = 0; r < rows; r++) {
        const i = order[start + r];
        x.set(this.#inputs.subarray(i * rowIn, (i + 1) * rowIn), r * rowIn);
        y.set(this.#targets.subarray(i * rowOut, (i + 1) * rowOut), r * rowOut);
      }
      yield {
        x: tensor(x, [rows, this.window, this.features], 'float32'),
        y: tensor(y, [rows, rowOut], 'float32'),
      };
    }
  }
}
