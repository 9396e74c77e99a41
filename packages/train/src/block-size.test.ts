import { describe, expect, it } from 'vitest';
import { BlockSizer, CALL_BUDGET_MS, MAX_AUTO_STEPS } from './block-size.js';

/** Runs blocks whose steps each take `msPerStep` (a compile adds `compileMs` to a size's first). */
function sizes(msPerStep: (size: number) => number, blocks: number, compileMs = 2000): number[] {
  const s = new BlockSizer();
  const seen = new Set<number>();
  const out: number[] = [];
  for (let i = 0; i < blocks; i++) {
    const n = s.next();
    out.push(n);
    const compile = seen.has(n) ? 0 : compileMs;
    seen.add(n);
    s.record(n, compile + n * msPerStep(n));
  }
  return out;
}

describe('BlockSizer (automatic steps per call)', () => {
  it('starts at one step, ignores each size’s first (compiling) call and grows to the cap', () => {
    // 0.5 ms a step: 500 steps would fit the budget, the cap holds it at MAX_AUTO_STEPS
    expect(sizes(() => 0.5, 5)).toEqual([1, 1, MAX_AUTO_STEPS, MAX_AUTO_STEPS, MAX_AUTO_STEPS]);
  });

  it('keeps a call within the budget: the largest power of two that fits', () => {
    // 20 ms a step: 20 steps fit 400 ms; 16 is the power of two below
    expect(sizes(() => 20, 4)).toEqual([1, 1, 16, 16]);
    for (const n of sizes(() => 20, 20)) expect(n * 20).toBeLessThanOrEqual(CALL_BUDGET_MS);
  });

  it('stays at one step when a step alone takes the whole budget', () => {
    expect(sizes(() => 400, 4)).toEqual([1, 1, 1, 1]);
  });

  it('grows again as the per-call overhead is shared by more steps', () => {
    // 50 ms a call plus 2 ms a step: one step measures 52 ms (7 fit: 4), four 14.5 ms a step (27
    // fit: 16), sixteen 5.1 ms a step (78 fit: the cap)
    const perStep = (n: number) => 50 / n + 2;
    expect(sizes(perStep, 8)).toEqual([1, 1, 4, 4, 16, 16, 64, 64]);
  });

  it('shrinks when the steps slow down, on two measurements in a row', () => {
    const s = new BlockSizer();
    s.record(1, 5000);
    s.record(1, 1);
    expect(s.next()).toBe(MAX_AUTO_STEPS);
    s.record(MAX_AUTO_STEPS, 10_000); // a compile: not counted
    s.record(MAX_AUTO_STEPS, MAX_AUTO_STEPS * 60); // 60 ms a step: 4 fit
    expect(s.next()).toBe(MAX_AUTO_STEPS);
    s.record(MAX_AUTO_STEPS, MAX_AUTO_STEPS * 60);
    expect(s.next()).toBe(4);
  });

  it('keeps its size through one slow call', () => {
    const s = new BlockSizer();
    s.record(1, 5000);
    s.record(1, 1);
    s.record(MAX_AUTO_STEPS, 10_000);
    s.record(MAX_AUTO_STEPS, 1000); // a pause: 15.6 ms a step
    s.record(MAX_AUTO_STEPS, 64); // 1 ms a step again
    expect(s.next()).toBe(MAX_AUTO_STEPS);
    s.record(MAX_AUTO_STEPS, 1000);
    s.record(MAX_AUTO_STEPS, 64);
    s.record(MAX_AUTO_STEPS, 1000);
    expect(s.next()).toBe(MAX_AUTO_STEPS);
  });
});
