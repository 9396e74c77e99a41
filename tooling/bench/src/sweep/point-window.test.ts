import { describe, expect, it } from 'vitest';
import { chosenWindow, pointWindow } from './point-window.js';

// A sweep point's timed window from made-up block ends and clocks. Block sizes: 1, 1, 4, 4, 8,
// 8, 8, 8, 8, 8 (the sizer's ramp, then settled at 8); the first block of each size took 500 ms
// (its graph was built), the others 10 ms a step.
const ENDS = [1, 2, 6, 10, 18, 26, 34, 42, 50, 58];
const MS = [0, 500, 510, 1010, 1050, 1550, 1630, 1710, 1790, 1870, 1950];
const wall = (step: number) => MS[ENDS.indexOf(step) + 1];

describe('pointWindow', () => {
  it('starts once the block size has settled: no ramp and no graph build is timed', () => {
    // 2 timed steps and 150 ms: from step 26 (two blocks of 8 have ended) to step 42
    expect(pointWindow(ENDS, wall, { warmup: 2, minSteps: 2, budgetMs: 150 })).toEqual([26, 42]);
  });

  it('needs both the minimum steps and the budget', () => {
    expect(pointWindow(ENDS, wall, { warmup: 2, minSteps: 30, budgetMs: 1 })).toEqual([26, 58]);
    expect(pointWindow(ENDS, wall, { warmup: 2, minSteps: 1, budgetMs: 400 })).toBeNull();
  });
});

describe('chosenWindow', () => {
  it('falls back to a window without new graphs, then to any, and says which', () => {
    const spec = { warmup: 2, minSteps: 2, budgetMs: 300 };
    expect(chosenWindow(ENDS, wall, spec)).toEqual({ span: [26, 58], rule: 'one size' });
    // no stretch lasts 600 ms without a first block of a size (a graph build) in it
    expect(chosenWindow(ENDS, wall, { ...spec, budgetMs: 600 })).toEqual({
      span: [2, 18],
      rule: 'any',
    });
    const flipping = [1, 2, 4, 8, 10, 14, 16, 20, 22];
    const at = (step: number) => step * 10;
    expect(chosenWindow(flipping, at, { warmup: 2, minSteps: 2, budgetMs: 60 })).toEqual({
      span: [8, 14],
      rule: 'sizes seen',
    });
    expect(chosenWindow([1, 3, 7, 15], at, { warmup: 1, minSteps: 2, budgetMs: 60 })).toEqual({
      span: [1, 7],
      rule: 'any',
    });
  });
});
