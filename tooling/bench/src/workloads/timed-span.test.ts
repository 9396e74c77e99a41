import { describe, expect, it } from 'vitest';
import { blockSpan, timedSpan, windowNote } from './timed-span.js';

// The timed window of a char workload whose blocks the Trainer sized, from made-up block ends.
// Block sizes here: 1, 1, 2, 4, 8, 8, 8, 8, 8 (the sizer's ramp, then settled at 8).
const ENDS = [1, 2, 4, 8, 16, 24, 32, 40, 48];

describe('timedSpan', () => {
  it('starts where the block sizes have settled, so no ramp and no new graph is timed', () => {
    // after two blocks of 8: the first built the graph, the second let the runtime settle
    expect(timedSpan(ENDS, { warmup: 3, measure: 20 })).toEqual([24, 48]);
  });

  it('without settling: the first block end after the warm-up', () => {
    expect(timedSpan(ENDS, { warmup: 3, measure: 20 }, false)).toEqual([4, 24]);
  });

  it('is null while no settled stretch is long enough yet', () => {
    expect(timedSpan(ENDS.slice(0, 8), { warmup: 3, measure: 20 })).toBeNull();
    expect(timedSpan([1, 2, 4, 8, 16, 32, 64], { warmup: 3, measure: 20 })).toBeNull();
  });
});

describe('blockSpan', () => {
  // Block sizes: 1, 1, 2, 4, 2, 4, 2, 4 (a sizer moving between two sizes whose graphs exist).
  const FLIPPING = [1, 2, 4, 8, 10, 14, 16, 20];
  const atLeast = (n: number) => (from: number, to: number) => to - from >= n;

  it("'sizes seen' holds blocks of sizes met before, so no graph is built in the window", () => {
    expect(blockSpan(FLIPPING, 2, atLeast(8), 'one size')).toBeNull();
    // from step 8: the blocks of 2 and 4 after it each had a block of their size before
    expect(blockSpan(FLIPPING, 2, atLeast(8), 'sizes seen')).toEqual([8, 16]);
    expect(blockSpan(FLIPPING, 2, atLeast(8), 'any')).toEqual([2, 10]);
  });

  it('notes where the window lies', () => {
    expect(windowNote(ENDS, [16, 40], 'one size')).toBe('settled at 8 per call');
    expect(windowNote(FLIPPING, [8, 16], 'sizes seen')).toBe(
      'sizes still changing: 2–4 per call, no new graph',
    );
    expect(windowNote(FLIPPING, [2, 10], 'any')).toBe('sizes still changing: 2–4 per call');
  });
});
