import { describe, expect, it } from 'vitest';
import { epochOrder, epochSeed } from './order.js';

describe('epochOrder', () => {
  it('is the identity when not shuffled', () => {
    expect(Array.from(epochOrder(5, false, 3, 7))).toEqual([0, 1, 2, 3, 4]);
  });

  it('is a reproducible permutation that changes with epoch and seed', () => {
    const a = epochOrder(50, true, 1, 0);
    expect(Array.from(epochOrder(50, true, 1, 0))).toEqual(Array.from(a));
    expect([...a].sort((p, q) => p - q)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(Array.from(epochOrder(50, true, 1, 1))).not.toEqual(Array.from(a));
    expect(Array.from(epochOrder(50, true, 2, 0))).not.toEqual(Array.from(a));
  });

  it('gives distinct seeds to different epochs', () => {
    const seeds = new Set(Array.from({ length: 1000 }, (_, e) => epochSeed(42, e)));
    expect(seeds.size).toBe(1000);
  });

  it('rejects a bad epoch', () => {
    expect(() => epochOrder(5, true, 0, -1)).toThrow(
      'batches: epoch must be a non-negative integer, got -1',
    );
    expect(() => epochOrder(5, false, 0, 1.5)).toThrow(/epoch must be a non-negative integer/);
  });
});
