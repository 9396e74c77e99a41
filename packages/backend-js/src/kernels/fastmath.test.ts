import { describe, expect, it } from 'vitest';
import { fexp, fsigmoid, ftanh } from './fastmath.js';

const xs = [
  ...Array.from({ length: 20001 }, (_, i) => (i - 10000) / 500), // [-20, 20] in steps of 0.002
  ...[1e-30, -1e-30, 0.124999, 0.125, 0.125001, 9.0999, 9.1, 50, -50, 88.7, -103.9, -200],
];

/** The spacing of float32 values at v. */
function ulp32(v: number): number {
  const a = Math.abs(v);
  if (a < 2 ** -126) return 2 ** -149;
  return 2 ** (Math.floor(Math.log2(a)) - 23);
}

describe('fast exp / tanh / sigmoid', () => {
  it('exp matches Math.exp to 1e-11 relative over float32 range', () => {
    for (const x of xs) {
      const e = Math.exp(x);
      if (x < -103 || !Number.isFinite(e)) continue; // below float32's smallest subnormal
      expect(Math.abs(fexp(x) - e) / e).toBeLessThan(1e-11);
    }
  });
  it('tanh and sigmoid agree with libm once rounded to float32 (within one ulp)', () => {
    for (const x of xs) {
      const t = Math.fround(Math.tanh(x));
      expect(Math.abs(Math.fround(ftanh(x)) - t)).toBeLessThanOrEqual(ulp32(t));
      const s = Math.fround(1 / (1 + Math.exp(-x)));
      expect(Math.abs(Math.fround(fsigmoid(x)) - s)).toBeLessThanOrEqual(ulp32(s));
    }
  });
  it('keeps NaN, infinities, signed zero and saturation', () => {
    expect(fexp(Number.NaN)).toBeNaN();
    expect(ftanh(Number.NaN)).toBeNaN();
    expect(fsigmoid(Number.NaN)).toBeNaN();
    expect(fexp(1000)).toBe(Number.POSITIVE_INFINITY);
    expect(fexp(Number.NEGATIVE_INFINITY)).toBe(0);
    expect(ftanh(Number.POSITIVE_INFINITY)).toBe(1);
    expect(ftanh(Number.NEGATIVE_INFINITY)).toBe(-1);
    expect(Object.is(ftanh(-0), -0)).toBe(true);
    expect(fsigmoid(-1000)).toBe(0);
    expect(fsigmoid(1000)).toBe(1);
  });
});
