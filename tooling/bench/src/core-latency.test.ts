import { cpus } from 'node:os';
import { describe, expect, it } from 'vitest';
import { coreRoundTripNs } from './core-latency.js';

describe('coreRoundTripNs', () => {
  it('measures a round trip between two threads (none on one core), and can measure again', async () => {
    const ns = await coreRoundTripNs(20);
    if (cpus().length < 2) {
      expect(ns).toBeUndefined();
      return;
    }
    // a trip takes a positive, finite time; how long is the machine's (no timing asserted)
    expect(Number.isFinite(ns)).toBe(true);
    expect(ns!).toBeGreaterThan(0);
    expect(await coreRoundTripNs(5)).toBeGreaterThan(0);
  });
});
