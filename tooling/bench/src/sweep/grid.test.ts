import { describe, expect, it } from 'vitest';
import { flopsPerStep, gridPoints, gridSizes, parseSizes, pointName } from './grid.js';

describe('parseSizes', () => {
  it('reads a comma-separated list in the order given, without repeats', () => {
    expect(parseSizes('hidden', '256,128')).toEqual([256, 128]);
    expect(parseSizes('seq', ' 64 , 64,1024')).toEqual([64, 1024]);
  });

  it.each(['', '128,', 'abc', '12a', '0', '-1', '1.5', '1e9'])(
    "refuses '%s', naming the option and the form it takes",
    (text) => {
      expect(() => parseSizes('batch', text)).toThrow(
        /--batch takes whole numbers from 1 to \d+ separated by commas \(e\.g\. --batch 128,256\)/,
      );
    },
  );
});

describe('gridSizes', () => {
  it("is the issue's grid when no option is given", () => {
    expect(gridSizes({})).toEqual({
      hidden: [128, 256, 512, 1024],
      seq: [64, 256, 1024],
      batch: [1, 32, 128],
    });
  });

  it('takes each axis from its options, joining repeated flags', () => {
    expect(gridSizes({ hidden: ['128', '256,512'], seq: ['64'], batch: [] })).toEqual({
      hidden: [128, 256, 512],
      seq: [64],
      batch: [1, 32, 128],
    });
  });
});

describe('gridPoints', () => {
  it('lists all 36 points of the full grid, hidden outermost and batch innermost', () => {
    const points = gridPoints(gridSizes({}));
    expect(points).toHaveLength(36);
    expect(points.slice(0, 4).map(pointName)).toEqual([
      'h128 s64 b1',
      'h128 s64 b32',
      'h128 s64 b128',
      'h128 s256 b1',
    ]);
    expect(pointName(points[35])).toBe('h1024 s1024 b128');
  });
});

describe('flopsPerStep', () => {
  it('is linear in sequence and batch and grows with hidden by its products', () => {
    const base = flopsPerStep({ hidden: 128, seq: 64, batch: 1 });
    expect(flopsPerStep({ hidden: 128, seq: 256, batch: 1 })).toBe(4 * base);
    expect(flopsPerStep({ hidden: 128, seq: 64, batch: 32 })).toBe(32 * base);
    // 6 · (4·128·(128 + 128) + 65·128) per character
    expect(base).toBe(64 * 6 * (4 * 128 * 256 + 65 * 128));
  });
});
