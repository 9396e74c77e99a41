import { describe, expect, it } from 'vitest';
import { StepTimes, skipReason } from './estimate.js';
import { flopsPerStep } from './grid.js';

const small = { hidden: 128, seq: 64, batch: 32 };
const big = { hidden: 512, seq: 256, batch: 32 };
const huge = { hidden: 1024, seq: 1024, batch: 128 };

describe('StepTimes', () => {
  it('assumes a rate before any point is measured, slower for js', () => {
    const js = new StepTimes('js').estimate(small);
    const onnx = new StepTimes('onnx').estimate(small);
    expect(js.from).toBe('prior');
    expect(js.seconds).toBeGreaterThan(onnx.seconds);
  });

  it('scales from the largest measured point below', () => {
    const t = new StepTimes('onnx');
    t.record(small, 0.01);
    t.record(big, 0.5);
    t.record(huge, 1e4);
    const e = t.estimate({ hidden: 1024, seq: 256, batch: 32 });
    expect(e.from).toBe('h512 s256 b32');
    expect(e.seconds).toBeCloseTo(
      (0.5 * flopsPerStep({ hidden: 1024, seq: 256, batch: 32 })) / flopsPerStep(big),
    );
  });

  it('scales from the smallest measured point above when none is below', () => {
    const t = new StepTimes('onnx');
    t.record(huge, 100);
    t.record(big, 0.5);
    expect(t.estimate(small).from).toBe('h512 s256 b32');
  });

  it('ignores step times that are not positive', () => {
    const t = new StepTimes('onnx');
    t.record(small, 0);
    t.record(small, Number.NaN);
    expect(t.estimate(big).from).toBe('prior');
  });
});

describe('skipReason', () => {
  it('runs a point whose steps fit the limit', () => {
    expect(skipReason({ seconds: 2, from: 'prior', rate: 1e9 }, 4, 8)).toBeUndefined();
  });

  it('says what the estimate is, what it came from and which option sets the limit', () => {
    const why = skipReason({ seconds: 90, from: 'h512 s256 b32', rate: 3e10 }, 4, 20);
    expect(why).toBe(
      'estimated 1.5 min a step (30.0 GFLOP/s as measured at h512 s256 b32), 6.0 min for 4 steps > --max-point-s 20',
    );
  });
});
