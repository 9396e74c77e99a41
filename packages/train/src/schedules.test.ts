import { describe, expect, it } from 'vitest';
import { cosine, stepDecay, warmup } from './schedules.js';

describe('stepDecay (StepLR)', () => {
  it('multiplies by gamma every stepSize steps', () => {
    const s = stepDecay(3, 0.5);
    expect([0, 1, 2, 3, 4, 5, 6, 8, 9].map(s)).toEqual([1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.125]);
  });
  it('defaults gamma to 0.1', () => {
    expect(stepDecay(2)(0)).toBe(1);
    expect(stepDecay(2)(2)).toBeCloseTo(0.1, 12);
    expect(stepDecay(2)(5)).toBeCloseTo(0.01, 12);
  });
  it('rejects a non-positive stepSize', () => {
    expect(() => stepDecay(0)).toThrow(/stepSize must be positive/);
  });
});

describe('cosine (CosineAnnealingLR)', () => {
  it('starts at 1, ends at minFactor, passes (1 + min) / 2 at the midpoint, then stays flat', () => {
    const s = cosine(100, 0.1);
    expect(s(0)).toBeCloseTo(1, 12);
    expect(s(50)).toBeCloseTo((1 + 0.1) / 2, 12);
    expect(s(100)).toBeCloseTo(0.1, 12);
    expect(s(150)).toBeCloseTo(0.1, 12);
    // A quarter of the way: min + (1 − min)(1 + cos(π/4))/2.
    expect(s(25)).toBeCloseTo(0.1 + (0.9 * (1 + Math.SQRT1_2)) / 2, 12);
  });
  it('defaults minFactor to 0 and decreases monotonically', () => {
    const s = cosine(10);
    expect(s(5)).toBeCloseTo(0.5, 12);
    expect(s(10)).toBeCloseTo(0, 12);
    for (let i = 0; i < 10; i++) expect(s(i + 1)).toBeLessThan(s(i));
  });
  it('rejects a non-positive totalSteps', () => {
    expect(() => cosine(0)).toThrow(/totalSteps must be positive/);
  });
});

describe('warmup', () => {
  it('rises linearly 1/n … 1 over n steps, then runs the schedule from its step 0', () => {
    const s = warmup(4, stepDecay(2, 0.5));
    expect([0, 1, 2, 3].map(s)).toEqual([0.25, 0.5, 0.75, 1]);
    expect([4, 5, 6, 7, 8].map(s)).toEqual([1, 1, 0.5, 0.5, 0.25]);
  });
  it('composes with cosine: the cosine midpoint lands warmup steps later', () => {
    const s = warmup(10, cosine(20, 0.2));
    expect(s(9)).toBeCloseTo(1, 12);
    expect(s(10)).toBeCloseTo(1, 12);
    expect(s(20)).toBeCloseTo((1 + 0.2) / 2, 12);
    expect(s(30)).toBeCloseTo(0.2, 12);
  });
  it('defaults to flat 1 after warm-up; zero warm-up is the schedule itself', () => {
    expect(warmup(2)(1)).toBe(1);
    expect(warmup(2)(100)).toBe(1);
    const c = cosine(8);
    const w = warmup(0, c);
    for (let i = 0; i < 10; i++) expect(w(i)).toBe(c(i));
  });
  it('rejects negative warm-up', () => {
    expect(() => warmup(-1)).toThrow(/warmupSteps must be >= 0/);
  });
});
