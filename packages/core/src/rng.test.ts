import { describe, expect, it } from 'vitest';
import { Rng } from './rng.js';

describe('Rng', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const xa = Array.from({ length: 5 }, () => a.nextUint32());
    const xb = Array.from({ length: 5 }, () => b.nextUint32());
    const xc = Array.from({ length: 5 }, () => c.nextUint32());
    expect(xa).toEqual(xb);
    expect(xa).not.toEqual(xc);
  });

  it('restores its state exactly', () => {
    const r = new Rng(7);
    r.normalArray(10);
    const state = r.getState();
    const first = r.uniformArray(8, -1, 1);
    r.setState(state);
    expect(r.uniformArray(8, -1, 1)).toEqual(first);
    expect(() => r.setState([1, 2])).toThrow(/four unsigned 32-bit/);
  });

  it('uniformArray gives the values of as many random() calls and leaves the same state', () => {
    const a = new Rng(11);
    const b = new Rng(11);
    const bulk = a.uniformArray(1000, -2, 3);
    const one = Float32Array.from({ length: 1000 }, () => -2 + 5 * b.random());
    expect(bulk).toEqual(one);
    expect(a.getState()).toEqual(b.getState());
    expect(a.nextUint32()).toBe(b.nextUint32());
  });

  it('produces uniform and normal values with the right moments', () => {
    const r = new Rng(1);
    const u = r.uniformArray(20000, 2, 4);
    const n = r.normalArray(20000, 1, 3);
    const mean = (a: Float32Array) => a.reduce((s, v) => s + v, 0) / a.length;
    const variance = (a: Float32Array) => {
      const m = mean(a);
      return a.reduce((s, v) => s + (v - m) ** 2, 0) / a.length;
    };
    expect(Math.min(...u)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...u)).toBeLessThan(4);
    expect(mean(u)).toBeCloseTo(3, 1);
    expect(mean(n)).toBeCloseTo(1, 1);
    expect(Math.sqrt(variance(n))).toBeCloseTo(3, 1);
  });

  it('permutation is a permutation', () => {
    const p = new Rng(3).permutation(100);
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });
});
