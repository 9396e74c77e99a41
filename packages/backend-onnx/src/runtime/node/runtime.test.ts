import { describe, expect, it } from 'vitest';
import { PLANNED_MEMORY_ELEMENTS, sessionOptions } from './runtime.js';

const loops = { loops: true, dataElements: 1000 };
const noLoops = { loops: false, dataElements: 1000 };

const spinning = (o: object) =>
  (o as { extra?: { session: { intra_op: { allow_spinning: string } } } }).extra?.session.intra_op
    .allow_spinning;

describe('sessionOptions', () => {
  it('lets pool threads spin only in graphs with loops, and only with more than one thread', () => {
    const two = { threads: 2, providers: ['cpu'] };
    expect(spinning(sessionOptions(two, loops))).toBe('1');
    expect(spinning(sessionOptions(two, noLoops))).toBe('0');
    expect(spinning(sessionOptions({ threads: 1, providers: ['cpu'] }, loops))).toBeUndefined();
    expect(sessionOptions(two, loops)).toMatchObject({
      intraOpNumThreads: 2,
      interOpNumThreads: 1,
      executionProviders: ['cpu'],
    });
  });

  it('plans memory for small graphs with loops only', () => {
    const one = { threads: 1, providers: ['cpu'] };
    const planned = (loops: boolean, dataElements: number) =>
      (sessionOptions(one, { loops, dataElements }) as { enableMemPattern: boolean })
        .enableMemPattern;
    expect(planned(true, PLANNED_MEMORY_ELEMENTS)).toBe(true);
    // a large graph's planned block costs more memory than it saves time
    expect(planned(true, PLANNED_MEMORY_ELEMENTS + 1)).toBe(false);
    // a graph without loops runs its nodes once: nothing to save
    expect(planned(false, 1000)).toBe(false);
  });
});
