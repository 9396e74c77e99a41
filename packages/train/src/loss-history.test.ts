import { describe, expect, it } from 'vitest';
import { LossHistory } from './loss-history.js';

describe('LossHistory', () => {
  it('gives back every loss with consecutive steps from the first, past its initial capacity', () => {
    const h = new LossHistory(8);
    const n = 5000;
    for (let i = 0; i < n; i++) h.push(i / 3);
    expect(h.length).toBe(n);
    const e = h.entries();
    expect(e).toHaveLength(n);
    expect(e[0]).toEqual({ step: 8, loss: 0 });
    expect(e[n - 1]).toEqual({ step: 8 + n - 1, loss: (n - 1) / 3 });
    expect(e.every((x, i) => x.step === 8 + i && x.loss === i / 3)).toBe(true);
  });

  it('is empty until a loss is pushed', () => {
    expect(new LossHistory(1).entries()).toEqual([]);
  });
});
