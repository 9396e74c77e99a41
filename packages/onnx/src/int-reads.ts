import { RnnkitError, type Tensor, type TypedArray } from '@rnnkit/core';

/**
 * How the graph's steps read a float tensor whose values they need as integers (a Cast from float
 * to an integer type, indices or shapes computed as floats). Steps are synchronous; the pass that
 * runs them sets the reader for as long as it runs, so no read is ever assumed synchronous.
 */
export type IntReader = (t: Tensor) => TypedArray;

/**
 * Thrown by the asynchronous run's reader for a tensor not read yet: the pass stops before the
 * step that needs it, reads it with await and resumes at that step.
 */
export class PendingRead {
  constructor(readonly tensor: Tensor) {}
}

let current: IntReader | undefined;

/** Runs `fn` with `reader` as the reader of toInts; restores the previous one after. */
export function withIntReader<T>(reader: IntReader, fn: () => T): T {
  const previous = current;
  current = reader;
  try {
    return fn();
  } finally {
    current = previous;
  }
}

/** `t`'s values, read by the reader of the pass now running. */
export function readInts(t: Tensor): TypedArray {
  // steps run only inside OnnxModel's passes, which always set a reader
  if (!current) throw new RnnkitError('OnnxModel: a graph step ran outside run() or runSync()');
  return current(t);
}
