import { RnnkitError } from '@rnnkit/core';
import { describe, expect, it } from 'vitest';
import { splitByTime, splitIndex, splitWindows } from './split.js';

const range = (n: number) => Float32Array.from({ length: n }, (_, i) => i);
const values = (a: Float32Array) => new Set(Array.from(a));
const overlap = (a: Set<number>, b: Set<number>) => [...a].filter((v) => b.has(v));

describe('splitByTime', () => {
  it('keeps train first and validation last, contiguous', () => {
    const { train, validation } = splitByTime(range(10));
    expect(Array.from(train)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(Array.from(validation)).toEqual([8, 9]);
  });

  it('sizes parts by validationFraction (rounded) and copies them', () => {
    const s = range(2000);
    const { train, validation } = splitByTime(s, { validationFraction: 0.25 });
    expect(train.length).toBe(1500);
    expect(validation.length).toBe(500);
    expect(validation[0]).toBe(1500);
    expect(splitIndex(7, 0.3)).toBe(5); // round(2.1) = 2 validation values
    s[0] = -1;
    expect(train[0]).toBe(0);
  });

  it('rejects fractions outside (0, 1) and empty parts', () => {
    expect(() => splitByTime(range(10), { validationFraction: 0 })).toThrow(RnnkitError);
    expect(() => splitByTime(range(10), { validationFraction: 1 })).toThrow(
      'splitByTime: validationFraction must be in (0, 1), got 1',
    );
    expect(() => splitByTime(range(3), { validationFraction: 0.1 })).toThrow(
      /length 3 with validationFraction 0.1 leaves 3 train and 0 validation values/,
    );
  });
});

describe('splitWindows', () => {
  it('windows each part separately (strict default)', () => {
    const split = splitWindows(range(20), { window: 3 });
    expect(split.splitIndex).toBe(16);
    expect(split.train.count).toBe(13);
    expect(Array.from(split.train.targets)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    expect(split.validation.count).toBe(1);
    expect(Array.from(split.validation.inputs)).toEqual([16, 17, 18]);
    expect(Array.from(split.validation.targets)).toEqual([19]);
    expect(split.trainTargetStart).toBe(3);
    expect(split.validationTargetStart).toBe(19);
  });

  it('strict: no validation input or target overlaps any training target or input', () => {
    const s = range(100);
    const split = splitWindows(s, { window: 5, horizon: 2, validationFraction: 0.3 });
    const trainTargets = values(split.train.targets);
    const trainInputs = values(split.train.inputs);
    const valTargets = values(split.validation.targets);
    const valInputs = values(split.validation.inputs);
    expect(overlap(trainTargets, valTargets)).toEqual([]);
    expect(overlap(trainTargets, valInputs)).toEqual([]);
    expect(overlap(trainInputs, valInputs)).toEqual([]);
    expect(Math.max(...trainTargets, ...trainInputs)).toBeLessThan(split.splitIndex);
    expect(Math.min(...valInputs, ...valTargets)).toBe(split.splitIndex);
    expect(split.validation.targets[0]).toBe(split.validationTargetStart);
  });

  it('context: validation starts with the last window of train; targets stay disjoint', () => {
    const s = range(20);
    const split = splitWindows(s, { window: 3, context: true });
    expect(split.validation.count).toBe(4);
    expect(Array.from(split.validation.inputs.subarray(0, 3))).toEqual([13, 14, 15]);
    expect(Array.from(split.validation.targets)).toEqual([16, 17, 18, 19]);
    expect(split.validationTargetStart).toBe(16);
    // horizon 1, stride 1: the targets of both parts tile window..length-1 exactly once
    const all = [...split.train.targets, ...split.validation.targets];
    expect(all).toEqual(Array.from({ length: 17 }, (_, i) => i + 3));

    const big = splitWindows(range(100), {
      window: 5,
      horizon: 3,
      stride: 2,
      validationFraction: 0.3,
      context: true,
    });
    expect(overlap(values(big.train.targets), values(big.validation.targets))).toEqual([]);
    expect(Math.min(...big.validation.targets)).toBe(big.splitIndex);
    expect(Math.max(...big.train.targets)).toBeLessThan(big.splitIndex);
  });

  it('says which part is too short', () => {
    expect(() => splitWindows(range(20), { window: 4 })).toThrow(
      /splitWindows: the validation part has 4 values but one window needs 5 \(window 4 \+ horizon 1\)/,
    );
    expect(() => splitWindows(range(20), { window: 4, validationFraction: 0.9 })).toThrow(
      /the train part has 2 values but one window needs 5/,
    );
    expect(() => splitWindows(range(20), { window: 0 })).toThrow(
      'splitWindows: window must be a positive integer, got 0',
    );
  });
});
