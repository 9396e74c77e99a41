import { Rng, RnnkitError } from '@rnnkit/core';

/** splitmix32 finaliser: a bijection on 32-bit words that mixes every bit. */
function mix32(x: number): number {
  x = (x + 0x9e3779b9) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b) >>> 0;
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

/** Throws unless `epoch` is a non-negative integer. */
export function assertEpoch(epoch: number): void {
  if (!Number.isInteger(epoch) || epoch < 0) {
    throw new RnnkitError(`batches: epoch must be a non-negative integer, got ${epoch}`);
  }
}

/**
 * The 32-bit seed for one epoch of a dataset seeded with `seed`. For a fixed seed it is a
 * bijection of the epoch (mod 2^32), so two epochs never share a seed.
 */
export function epochSeed(seed: number, epoch: number): number {
  return mix32((mix32(seed >>> 0) + (epoch >>> 0)) >>> 0);
}

/** A fresh `Rng` for `(seed, epoch)`: every dataset shuffles with this, so orders are reproducible. */
export function epochRng(seed: number, epoch: number): Rng {
  return new Rng(epochSeed(seed, epoch));
}

/**
 * The example order of one epoch: `0..size-1` in order, or a seeded permutation when `shuffle`.
 * Every index appears exactly once.
 */
export function epochOrder(
  size: number,
  shuffle: boolean,
  seed: number,
  epoch: number,
): Int32Array {
  assertEpoch(epoch);
  if (!shuffle) {
    const order = new Int32Array(size);
    for (let i = 0; i < size; i++) order[i] = i;
    return order;
  }
  return epochRng(seed, epoch).permutation(size);
}
