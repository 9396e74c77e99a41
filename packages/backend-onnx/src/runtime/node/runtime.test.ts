import { describe, expect, it } from 'vitest';
import { sessionOptions } from './runtime.js';

const spinning = (o: object) =>
  (o as { extra?: { session: { intra_op: { allow_spinning: string } } } }).extra?.session.intra_op
    .allow_spinning;

describe('sessionOptions', () => {
  it('lets pool threads spin only in graphs with loops, and only with more than one thread', () => {
    const two = { threads: 2, providers: ['cpu'] };
    expect(spinning(sessionOptions(two, true))).toBe('1');
    expect(spinning(sessionOptions(two, false))).toBe('0');
    expect(spinning(sessionOptions({ threads: 1, providers: ['cpu'] }, true))).toBeUndefined();
    expect(sessionOptions(two, true)).toMatchObject({
      intraOpNumThreads: 2,
      interOpNumThreads: 1,
      executionProviders: ['cpu'],
    });
  });

  it("has ONNX Runtime take a run's intermediates from the arena one by one, not as one planned block", () => {
    // with the planned block, training graphs' processes peaked up to 1.7 times as high
    expect(sessionOptions({ threads: 1, providers: ['cpu'] }, true)).toMatchObject({
      enableMemPattern: false,
    });
  });
});
