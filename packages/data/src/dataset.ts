import type { Tensor } from '@rnnkit/core';

/**
 * One batch of supervised examples, as tensors on the current backend.
 * The consumer owns the tensors: dispose them (or run the step inside `tidy`) when done.
 */
export interface Batch {
  /** Inputs, e.g. `[batch, time, features]` for sequences. */
  x: Tensor;
  /** Targets, e.g. `[batch, horizon]` for forecasting or `[batch, time]` class ids for text. */
  y: Tensor;
  /** Optional per-sequence valid lengths (`lengths[b] <= time`), for padded batches. */
  lengths?: Int32Array;
}

/**
 * A finite, re-iterable source of batches. When shuffled, the order depends on `(seed, epoch)`
 * only: the same seed and epoch give the same batches, different epochs give different orders.
 */
export interface Dataset<B = Batch> {
  /** Number of examples. */
  readonly size: number;
  /** Batches per epoch (what one pass of `batches(epoch)` yields). */
  numBatches(): number;
  /**
   * The batches of one epoch. Deterministic for `(seed, epoch)`; may be iterated more than once;
   * tensors are created lazily, one batch at a time, as the iterator advances.
   */
  batches(epoch: number): Iterable<B>;
}
