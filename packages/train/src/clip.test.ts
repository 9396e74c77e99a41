import '@rnnkit/backend-js';
import { tensor } from '@rnnkit/core';
import { describe, expect, it } from 'vitest';
import { clipGradNorm, clipGradValue } from './clip.js';
import { expectClose } from './test-utils/helpers.js';

describe('clipGradNorm (torch.nn.utils.clip_grad_norm_)', () => {
  // Global L2 norm over both tensors: sqrt(3² + 4² + 12²) = 13.
  const grads = () => [tensor([3, -4]), tensor([[0, 12]])];

  it('returns the pre-clip global norm and scales every gradient by maxNorm / (norm + 1e-6)', async () => {
    const { grads: out, norm } = await clipGradNorm(grads(), 1);
    expect(norm).toBeCloseTo(13, 5);
    const coef = 1 / (13 + 1e-6);
    expectClose(out[0].dataSync(), [3 * coef, -4 * coef], 1e-7, 'g0');
    expectClose(out[1].dataSync(), [0, 12 * coef], 1e-7, 'g1');
    expect([...out[1].shape]).toEqual([1, 2]);
    // The clipped global norm is maxNorm (up to the 1e-6 guard).
    const n2 = Math.hypot(...out.flatMap((g) => Array.from(g.dataSync())));
    expect(n2).toBeCloseTo(13 / (13 + 1e-6), 6);
  });

  it('uses norm + 1e-6 in the denominator (not norm alone)', async () => {
    // With a tiny norm the 1e-6 term matters: norm 1e-6, maxNorm 1e-7 → coef = 1e-7 / 2e-6 = 0.05, not 0.1.
    const { grads: out, norm } = await clipGradNorm([tensor([1e-6])], 1e-7);
    expect(norm).toBeCloseTo(1e-6, 12);
    expectClose(out[0].dataSync(), [1e-6 * 0.05], 1e-4, 'g');
  });

  it('leaves gradients untouched when the norm is below maxNorm', async () => {
    const g = grads();
    const { grads: out, norm } = await clipGradNorm(g, 13.5);
    expect(norm).toBeCloseTo(13, 5);
    expect(Array.from(out[0].dataSync())).toEqual([3, -4]);
    expect(Array.from(out[1].dataSync())).toEqual([0, 12]);
    const big = await clipGradNorm(g, 1e6);
    expect(Array.from(big.grads[1].dataSync())).toEqual([0, 12]);
  });

  it('does not modify the input gradients when it clips', async () => {
    const g = grads();
    await clipGradNorm(g, 1);
    expect(Array.from(g[0].dataSync())).toEqual([3, -4]);
    expect(Array.from(g[1].dataSync())).toEqual([0, 12]);
  });

  it('zero gradients: norm 0, unchanged', async () => {
    const { grads: out, norm } = await clipGradNorm([tensor([0, 0])], 1);
    expect(norm).toBe(0);
    expect(Array.from(out[0].dataSync())).toEqual([0, 0]);
  });

  it('rejects a non-positive or NaN maxNorm', async () => {
    for (const bad of [0, -1, Number.NaN]) {
      await expect(clipGradNorm(grads(), bad)).rejects.toThrow(
        /clipGradNorm: maxNorm must be positive/,
      );
    }
  });
});

describe('clipGradValue (torch.nn.utils.clip_grad_value_)', () => {
  it('clamps every element to [−value, value]', async () => {
    const out = clipGradValue([tensor([-3, -0.5, 0, 0.5, 3]), tensor([[10, -10]])], 1);
    expect(Array.from(out[0].dataSync())).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(Array.from(out[1].dataSync())).toEqual([1, -1]);
    expect([...out[1].shape]).toEqual([1, 2]);
  });

  it('rejects a non-positive or NaN value', async () => {
    for (const bad of [0, -2, Number.NaN]) {
      expect(() => clipGradValue([tensor([1])], bad)).toThrow(
        /clipGradValue: value must be positive/,
      );
    }
  });
});
