import { describe, expect, it } from 'vitest';
import { timedSpan } from './char-lm.js';

// The timed window of a char workload whose blocks the Trainer sized, from made-up block ends.
// Block sizes here: 1, 1, 2, 4, 8, 8, 8, 8, 8 (the sizer's ramp, then settled at 8).
const ENDS = [1, 2, 4, 8, 16, 24, 32, 40, 48];

describe('timedSpan', () => {
  it('starts where the block sizes have settled, so no ramp and no new graph is timed', () => {
    expect(timedSpan(ENDS, { warmup: 3, measure: 20 })).toEqual([16, 40]);
  });

  it('without settling: the first block end after the warm-up', () => {
    expect(timedSpan(ENDS, { warmup: 3, measure: 20 }, false)).toEqual([4, 24]);
  });

  it('is null while no settled stretch is long enough yet', () => {
    expect(timedSpan(ENDS.slice(0, 7), { warmup: 3, measure: 20 })).toBeNull();
    expect(timedSpan([1, 2, 4, 8, 16, 32, 64], { warmup: 3, measure: 20 })).toBeNull();
  });
});
