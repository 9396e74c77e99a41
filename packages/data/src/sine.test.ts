import { Rng, RnnkitError } from '@rnnkit/core';
import { describe, expect, it } from 'vitest';
import { linspace, sineSeries } from './sine.js';

describe('linspace', () => {
  it('matches numpy: endpoint included, step (stop - start) / (num - 1)', () => {
    const t = linspace(0, 100, 2000);
    expect(t.length).toBe(2000);
    expect(t[0]).toBe(0);
    // np.linspace(0, 100, 2000)[[1, 1000, 1998, 1999]]
    expect(t[1]).toBe(0.05002501250625312);
    expect(t[1000]).toBe(50.02501250625313);
    expect(t[1998]).toBe(99.94997498749375);
    expect(t[1999]).toBe(100);
  });

  it('handles endpoint=false, one sample and zero samples', () => {
    expect(Array.from(linspace(0, 1, 4, false))).toEqual([0, 0.25, 0.5, 0.75]);
    expect(Array.from(linspace(3, 7, 1))).toEqual([3]);
    expect(linspace(0, 1, 0).length).toBe(0);
    expect(() => linspace(0, 1, 2.5)).toThrow(/num must be a non-negative integer/);
  });
});

describe('sineSeries', () => {
  it('gives exactly sin(linspace(0, 100, 2000)) with angularFrequency 1', () => {
    const { t, y } = sineSeries({ length: 2000, tStart: 0, tEnd: 100, angularFrequency: 1 });
    expect(y.length).toBe(2000);
    expect(t[1999]).toBe(100);
    for (let i = 0; i < 2000; i++) {
      const ti = i === 1999 ? 100 : i * (100 / 1999);
      expect(y[i]).toBe(Math.fround(Math.sin(ti)));
      expect(t[i]).toBe(Math.fround(ti));
    }
    // np.sin(np.linspace(0, 100, 2000)).astype(np.float32) at a few indices
    const numpy: [number, number][] = [
      [0, 0],
      [1, 0.050004150718450546],
      [2, 0.09988319128751755],
      [500, -0.11994548887014389],
      [1000, -0.23815907537937164],
      [1234, -0.891654908657074],
      [1998, -0.548851728439331],
      [1999, -0.5063656568527222],
    ];
    for (const [i, v] of numpy) expect(y[i]).toBe(v);
  });

  it('frequency 1/(2π) is the same wave up to rounding of ω', () => {
    const a = sineSeries({ length: 2000, tEnd: 100, angularFrequency: 1 }).y;
    const b = sineSeries({ length: 2000, tEnd: 100, frequency: 1 / (2 * Math.PI) }).y;
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-6);
  });

  it('applies amplitude, frequency and phase; default t steps by 1', () => {
    const { t, y } = sineSeries({ length: 5, amplitude: 2, frequency: 0.25, phase: Math.PI / 2 });
    expect(Array.from(t)).toEqual([0, 1, 2, 3, 4]);
    // 2·sin(π/2·t + π/2) = 2·cos(π/2·t): 2, 0, -2, 0, 2
    const want = [2, 0, -2, 0, 2];
    for (let i = 0; i < 5; i++) expect(y[i]).toBeCloseTo(want[i], 6);
  });

  it('zero noise is exact and seeded noise is reproducible', () => {
    const base = { length: 50, tEnd: 10, angularFrequency: 1.5 };
    const clean = sineSeries(base).y;
    expect(Array.from(sineSeries({ ...base, noise: 0, seed: 99 }).y)).toEqual(Array.from(clean));
    for (let i = 0; i < 50; i++) {
      expect(clean[i]).toBe(Math.fround(Math.sin(1.5 * linspace(0, 10, 50)[i])));
    }

    const noisy = sineSeries({ ...base, noise: 0.1, seed: 7 }).y;
    expect(Array.from(sineSeries({ ...base, noise: 0.1, seed: 7 }).y)).toEqual(Array.from(noisy));
    expect(Array.from(sineSeries({ ...base, noise: 0.1, seed: 8 }).y)).not.toEqual(
      Array.from(noisy),
    );
    // noise is 0.1 · N(0, 1) drawn in order from new Rng(seed)
    const rng = new Rng(7);
    const t = linspace(0, 10, 50);
    for (let i = 0; i < 50; i++) {
      expect(noisy[i]).toBe(Math.fround(Math.sin(1.5 * t[i]) + 0.1 * rng.normal()));
    }
  });

  it('rejects bad options with clear messages', () => {
    expect(() => sineSeries({ length: 0 })).toThrow(RnnkitError);
    expect(() => sineSeries({ length: 0 })).toThrow(/length must be a positive integer, got 0/);
    expect(() => sineSeries({ length: 3.5 })).toThrow(/length must be a positive integer/);
    expect(() => sineSeries({ length: 10, noise: -1 })).toThrow(/noise must be >= 0/);
    expect(() => sineSeries({ length: 10, tEnd: Number.NaN })).toThrow(/tEnd must be a finite/);
    expect(() => sineSeries({ length: 10, frequency: 1, angularFrequency: 1 })).toThrow(
      /either frequency or angularFrequency/,
    );
  });
});
