import { SequenceRegressor } from '@rnnkit/cells';
import { Rng, registerBackend, tensor, useBackend } from '@rnnkit/core';
import type { OnnxBackend } from '../backend.js';
import { createOnnxBackend } from '../index.js';
import type { RemoteRuntime } from '../runtime/node/remote.js';

/**
 * What the Trainer tests on the onnx backend share: a backend whose graphs always run in the
 * worker (which counts them), a small GRU regressor, and windows of a seeded series to train it on.
 */

/** Registers `name` as onnx with one thread and the worker, and makes it the current backend. */
export function useWorkerBackend(name: string): OnnxBackend {
  registerBackend(name, () => createOnnxBackend('onnx', { threads: 1, worker: true }));
  return useBackend(name) as OnnxBackend;
}

/** Graph runs `be`'s worker has been sent so far (0 before it starts). */
export function graphRuns(be: OnnxBackend): number {
  return (be.graphs.remote as RemoteRuntime | null)?.runs ?? 0;
}

/** A GRU regressor [B, T, 1] → [B, 1] with 6 hidden units, the same weights every time. */
export function gruRegressor(): SequenceRegressor {
  return new SequenceRegressor({
    cell: 'gru',
    inputSize: 1,
    hiddenSize: 6,
    outputSize: 1,
    rng: new Rng(7),
  });
}

/**
 * `n` windows [B, 5, 1] → one value each, from seed `seed`: batches of 4 and a last one of `last`
 * (a smaller one cannot stack with the rest); `poison` makes that batch's first input NaN.
 */
export function windows(n: number, last = 3, poison?: number, seed = 3) {
  const r = new Rng(seed);
  return Array.from({ length: n }, (_, k) => {
    const B = k === n - 1 ? last : 4;
    const x = Float32Array.from({ length: B * 5 }, () => r.random() * 2 - 1);
    if (k === poison) x[0] = Number.NaN;
    return { x, y: Float32Array.from({ length: B }, () => r.random()), B };
  });
}

/** A Trainer data source over `windows`' batches. */
export const windowSource = (bs: ReturnType<typeof windows>) => ({
  numBatches: () => bs.length,
  *batches() {
    for (const b of bs) yield { x: tensor(b.x, [b.B, 5, 1]), y: tensor(b.y, [b.B, 1]) };
  },
});
