import '@rnnkit/backend-js';
import { mul, sum, type Tensor, tensor, valueAndGrad } from '@rnnkit/core';
import { describe, expect, it } from 'vitest';
import { crossEntropy, mseLoss, type Reduction } from './losses.js';
import { expectClose, readFixture } from './test-utils/helpers.js';

interface FixtureTensor {
  shape: number[];
  data: number[];
  dtype?: string;
}
interface LossCase {
  name: string;
  loss: 'mse_loss' | 'cross_entropy';
  config: { reduction: Reduction };
  tensors: Record<string, FixtureTensor>;
}

const fixture = readFixture<{ cases: LossCase[] }>('losses.json');

function toTensor(f: FixtureTensor): Tensor {
  return f.dtype === 'int64'
    ? tensor(Int32Array.from(f.data), f.shape, 'int32')
    : tensor(Float32Array.from(f.data), f.shape);
}

const TOL = 1e-5;

describe('losses match torch.nn.functional (fixtures/losses.json)', () => {
  it('has the six documented cases', () => {
    expect(fixture.cases.map((c) => c.name).sort()).toEqual([
      'cross_entropy_mean',
      'cross_entropy_none',
      'cross_entropy_sum',
      'mse_loss_mean',
      'mse_loss_none',
      'mse_loss_sum',
    ]);
  });

  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s: value and gradients', (_, c) => {
    const t = c.tensors;
    const input = toTensor(t.input);
    const target = toTensor(t.target);
    const gradOutput = toTensor(t.grad_output);
    const reduction = c.config.reduction;
    const f = (a: Tensor, b: Tensor) =>
      c.loss === 'mse_loss' ? mseLoss(a, b, { reduction }) : crossEntropy(a, b, { reduction });

    const value = f(input, target);
    expect([...value.shape]).toEqual(t.value.shape);
    expectClose(value.dataSync(), t.value.data, TOL, `${c.name} value`);

    const wrt = c.loss === 'mse_loss' ? [input, target] : [input];
    // d(sum(value · grad_output)) / d(inputs): for mean/sum grad_output is the scalar 1.
    const { value: weighted, grads } = valueAndGrad(
      () => sum(mul(f(input, target), gradOutput)),
      wrt,
    );
    const expectedWeighted = t.value.data.reduce(
      (s, v, i) => s + v * t.grad_output.data[i % t.grad_output.data.length],
      0,
    );
    expectClose([weighted.item()], [expectedWeighted], TOL, `${c.name} weighted value`);
    expect([...grads[0].shape]).toEqual(t.grad_input.shape);
    expectClose(grads[0].dataSync(), t.grad_input.data, TOL, `${c.name} grad_input`);
    if (c.loss === 'mse_loss')
      expectClose(grads[1].dataSync(), t.grad_target.data, TOL, `${c.name} grad_target`);

    if (reduction !== 'none') {
      // The scalar loss straight into valueAndGrad (no weighting) gives the same gradient.
      const direct = valueAndGrad(() => f(input, target), wrt);
      expectClose(
        direct.grads[0].dataSync(),
        t.grad_input.data,
        TOL,
        `${c.name} direct grad_input`,
      );
    }
  });

  it('the none cases use a non-trivial grad_output (so weighting is really tested)', () => {
    for (const c of fixture.cases.filter((x) => x.config.reduction === 'none')) {
      expect(new Set(c.tensors.grad_output.data).size).toBeGreaterThan(1);
    }
  });
});

describe('mseLoss', () => {
  it('hand-computed values', () => {
    const p = tensor([
      [1, 2],
      [3, 4],
    ]);
    const y = tensor([
      [0, 2],
      [5, 1],
    ]);
    expect(mseLoss(p, y).item()).toBeCloseTo((1 + 0 + 4 + 9) / 4, 6);
    expect(mseLoss(p, y, { reduction: 'sum' }).item()).toBeCloseTo(14, 6);
    expect(Array.from(mseLoss(p, y, { reduction: 'none' }).dataSync())).toEqual([1, 0, 4, 9]);
  });

  it('shape mismatch names the op and both shapes (no silent broadcasting)', () => {
    const a = tensor(new Float32Array(12), [3, 4]);
    expect(() => mseLoss(a, tensor(new Float32Array(12), [4, 3]))).toThrow(
      'mseLoss: prediction [3, 4] and target [4, 3] must have the same shape',
    );
    expect(() => mseLoss(a, tensor(new Float32Array(4), [1, 4]))).toThrow(
      /prediction \[3, 4\] and target \[1, 4\]/,
    );
    expect(() => mseLoss(a, tensor(new Float32Array(12), [12]))).toThrow(
      /prediction \[3, 4\] and target \[12\]/,
    );
  });

  it('unknown reduction is an error', () => {
    const a = tensor([1, 2]);
    expect(() => mseLoss(a, a, { reduction: 'avg' as Reduction })).toThrow(
      /unknown reduction 'avg'/,
    );
  });
});

describe('crossEntropy', () => {
  function reference(logits: number[], label: number): number {
    const m = Math.max(...logits);
    return m + Math.log(logits.reduce((s, v) => s + Math.exp(v - m), 0)) - logits[label];
  }

  it('is stable for logits around 1e3 (value and gradient finite and correct)', () => {
    const rows = [
      [1000, 1001, 1002],
      [-1000, 1000, 999],
      [1500, 1500, 1500],
    ];
    const labels = [2, 2, 0];
    const logits = tensor(rows);
    const y = tensor(Int32Array.from(labels), [3], 'int32');
    const none = crossEntropy(logits, y, { reduction: 'none' }).dataSync();
    expectClose(
      none,
      rows.map((r, i) => reference(r, labels[i])),
      1e-5,
      'loss',
    );
    const { value, grads } = valueAndGrad(() => crossEntropy(logits, y), [logits]);
    expect(Number.isFinite(value.item())).toBe(true);
    const g = grads[0].dataSync();
    expect(Array.from(g).every(Number.isFinite)).toBe(true);
    // d mean / d logits = (softmax − onehot) / N.
    const expected: number[] = [];
    rows.forEach((r, i) => {
      const m = Math.max(...r);
      const s = r.reduce((a, v) => a + Math.exp(v - m), 0);
      for (const [j, v] of r.entries())
        expected.push((Math.exp(v - m) / s - (j === labels[i] ? 1 : 0)) / 3);
    });
    expectClose(g, expected, 1e-5, 'grad');
  });

  it('takes [batch, time, C] logits with [batch, time] labels', () => {
    const data = Float32Array.from({ length: 2 * 3 * 4 }, (_, i) => Math.sin(i));
    const logits = tensor(data, [2, 3, 4]);
    const labels = Int32Array.from([0, 1, 2, 3, 0, 1]);
    const none = crossEntropy(logits, tensor(labels, [2, 3], 'int32'), { reduction: 'none' });
    expect([...none.shape]).toEqual([2, 3]);
    const expected = Array.from({ length: 6 }, (_, r) =>
      reference(Array.from(data.subarray(r * 4, r * 4 + 4)), labels[r]),
    );
    expectClose(none.dataSync(), expected, 1e-5, 'loss');
    const mean = crossEntropy(logits, tensor(labels, [2, 3], 'int32')).item();
    expect(mean).toBeCloseTo(expected.reduce((a, b) => a + b) / 6, 5);
  });

  it('labels of the wrong shape or dtype are an error naming the shapes', () => {
    const logits = tensor(new Float32Array(12), [4, 3]);
    expect(() => crossEntropy(logits, tensor(Int32Array.from([0, 1, 2]), [3], 'int32'))).toThrow(
      /\[4\].*\[4, 3\].*\[3\]/,
    );
    expect(() => crossEntropy(logits, tensor([0, 1, 2, 0]))).toThrow(/int32/);
  });
});
