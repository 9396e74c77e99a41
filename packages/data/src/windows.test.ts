import { RnnkitError } from '@rnnkit/core';
import { describe, expect, it } from 'vitest';
import { slidingWindows, windowCount } from './windows.js';

const range = (n: number) => Float32Array.from({ length: n }, (_, i) => i);
const rows = (a: Float32Array, width: number) =>
  Array.from({ length: a.length / width }, (_, i) =>
    Array.from(a.subarray(i * width, (i + 1) * width)),
  );

describe('slidingWindows', () => {
  it('makes next-step windows over 0..9', () => {
    const w = slidingWindows(range(10), { window: 3 });
    expect(w.count).toBe(7);
    expect(w.window).toBe(3);
    expect(w.horizon).toBe(1);
    expect(rows(w.inputs, 3)).toEqual([
      [0, 1, 2],
      [1, 2, 3],
      [2, 3, 4],
      [3, 4, 5],
      [4, 5, 6],
      [5, 6, 7],
      [6, 7, 8],
    ]);
    expect(Array.from(w.targets)).toEqual([3, 4, 5, 6, 7, 8, 9]);
  });

  it('forecasts horizon 2', () => {
    const w = slidingWindows(range(10), { window: 4, horizon: 2 });
    expect(w.count).toBe(5);
    expect(rows(w.inputs, 4)[0]).toEqual([0, 1, 2, 3]);
    expect(rows(w.inputs, 4)[4]).toEqual([4, 5, 6, 7]);
    expect(rows(w.targets, 2)).toEqual([
      [4, 5],
      [5, 6],
      [6, 7],
      [7, 8],
      [8, 9],
    ]);
  });

  it('steps by stride 2 and drops a tail shorter than a stride', () => {
    const w = slidingWindows(range(10), { window: 3, stride: 2 });
    expect(w.count).toBe(4);
    expect(rows(w.inputs, 3)).toEqual([
      [0, 1, 2],
      [2, 3, 4],
      [4, 5, 6],
      [6, 7, 8],
    ]);
    expect(Array.from(w.targets)).toEqual([3, 5, 7, 9]);

    const h = slidingWindows(range(10), { window: 3, horizon: 2, stride: 2 });
    expect(h.count).toBe(3);
    expect(rows(h.inputs, 3)).toEqual([
      [0, 1, 2],
      [2, 3, 4],
      [4, 5, 6],
    ]);
    expect(rows(h.targets, 2)).toEqual([
      [3, 4],
      [5, 6],
      [7, 8],
    ]);
  });

  it('makes exactly one window when length is window + horizon', () => {
    const w = slidingWindows(range(5), { window: 3, horizon: 2 });
    expect(w.count).toBe(1);
    expect(Array.from(w.inputs)).toEqual([0, 1, 2]);
    expect(Array.from(w.targets)).toEqual([3, 4]);
    expect(windowCount(4, 3, 2)).toBe(0);
    expect(windowCount(2000, 50, 1, 1)).toBe(1950);
  });

  it('copies: later changes to the series do not reach the windows', () => {
    const s = range(6);
    const w = slidingWindows(s, { window: 2 });
    s[0] = 100;
    expect(w.inputs[0]).toBe(0);
  });

  it('rejects short series and bad sizes with clear messages', () => {
    expect(() => slidingWindows(range(4), { window: 3, horizon: 2 })).toThrow(RnnkitError);
    expect(() => slidingWindows(range(4), { window: 3, horizon: 2 })).toThrow(
      'slidingWindows: series of length 4 is too short for window 3 + horizon 2 (needs at least 5 values)',
    );
    expect(() => slidingWindows(range(10), { window: 0 })).toThrow(
      'slidingWindows: window must be a positive integer, got 0',
    );
    expect(() => slidingWindows(range(10), { window: 2.5 })).toThrow(
      /window must be a positive integer/,
    );
    expect(() => slidingWindows(range(10), { window: 3, horizon: -1 })).toThrow(
      'slidingWindows: horizon must be a positive integer, got -1',
    );
    expect(() => slidingWindows(range(10), { window: 3, stride: 0 })).toThrow(
      'slidingWindows: stride must be a positive integer, got 0',
    );
  });
});
